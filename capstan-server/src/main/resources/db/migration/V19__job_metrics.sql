-- Training metrics that replicas print (issue 19, decision 106): name=value pairs of their output,
-- as Katib's StdOut collector reads them. job_metric_points keeps each series up to a cap per job,
-- replica and name; job_metric_last the latest value of every series, always. Times are epoch
-- milliseconds; deleting the job deletes both.
create table job_metric_points (
  job_uid varchar(64) not null references jobs(uid) on delete cascade,
  replica varchar(64) not null,
  name varchar(128) not null,
  step bigint not null,
  metric_value double precision not null,
  at bigint not null
);

create index job_metric_points_series on job_metric_points (job_uid, name, replica, step);

create table job_metric_last (
  job_uid varchar(64) not null references jobs(uid) on delete cascade,
  replica varchar(64) not null,
  name varchar(128) not null,
  step bigint not null,
  metric_value double precision not null,
  at bigint not null,
  points bigint not null,
  primary key (job_uid, replica, name)
);
