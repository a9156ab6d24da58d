-- Training metrics from files (issue 19, decisions 111 and 112). job_metric_files remembers how far
-- each metric file of a replica (its JSON-lines file, its TensorBoard event files) was read, in the
-- same transaction as the values read from it, so a restarted control plane reads on without
-- counting a value twice; skipped counts the malformed lines and records passed over.
-- job_progress keeps the latest progress a job reported (percent done, seconds left), as
-- Kubeflow Trainer's trainerStatus shows it. Times are epoch milliseconds.
create table job_metric_files (
  job_uid varchar(64) not null references jobs(uid) on delete cascade,
  replica varchar(64) not null,
  path varchar(512) not null,
  read_offset bigint not null,
  skipped bigint not null,
  primary key (job_uid, replica, path)
);

create table job_progress (
  job_uid varchar(64) not null primary key references jobs(uid) on delete cascade,
  replica varchar(64) not null,
  percent double precision not null,
  eta_seconds double precision,
  at bigint not null
);
