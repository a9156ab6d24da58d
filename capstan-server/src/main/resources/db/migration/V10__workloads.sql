-- Jobs become workloads of a kind (decision 70): a training job, a serving replica, later a
-- notebook. What a kind needs to know about its workload is typed in kind_json and its owner (an
-- inference service's uid) in owner_uid, no longer in labels of the spec.
alter table jobs add column kind varchar(32) default 'TrainingJob' not null;
alter table jobs add column owner_uid varchar(64);
alter table jobs add column kind_json varchar(100000);
create index jobs_owner on jobs (owner_uid);

-- Optimistic concurrency: every save raises the row's version and succeeds only over the version
-- it read, so two writers never overwrite each other unknowingly. A deletion is recorded as intent
-- ("deleting") and carried out by the job controller, the only writer of replicas.
alter table jobs add column version bigint default 0 not null;
alter table jobs add column deleting boolean default false not null;

-- Serving replicas of earlier versions were jobs labelled with their service: they are cancelled
-- and deleted by the job controller, and the serving controller starts their successors as
-- workloads of kind ServingReplica (a short gap in serving during the upgrade; decision 70).
update jobs
set kind = 'ServingReplica',
    deleting = true,
    phase = case when phase in ('SUCCEEDED', 'FAILED', 'CANCELLED') then phase else 'CANCELLED' end
where spec_json like '%"capstan.io/service"%';
