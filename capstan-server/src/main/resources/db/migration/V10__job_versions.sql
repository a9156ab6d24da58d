-- Optimistic concurrency for jobs: every save raises the row's version and succeeds only over the
-- version it read, so two writers never overwrite each other unknowingly. A deletion is recorded
-- as intent ("deleting") and carried out by the job controller, the jobs' only writer of replicas.
alter table jobs add column version bigint default 0 not null;
alter table jobs add column deleting boolean default false not null;
