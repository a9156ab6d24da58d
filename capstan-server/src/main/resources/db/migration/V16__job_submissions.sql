-- The web console pages through a project's jobs newest first (issue 18): an index on the order
-- of the list keeps a page and its count fast at tens of thousands of jobs.
create index jobs_project_created on jobs (project, created_at);

-- A job as its user submitted it: the text (YAML or JSON, comments kept) for the console's "spec
-- as submitted" and "resubmit", who submitted it and as which kind (PyTorchJob, ...), for the
-- list's user and kind filters. Workloads that
-- controllers make (serving replicas) have no row.
create table job_submissions (
  job_uid varchar(64) primary key references jobs(uid) on delete cascade,
  user_name varchar(64) not null,
  source_kind varchar(64) not null,
  spec_text varchar(8000000) not null
);

create index job_submissions_user on job_submissions (user_name);
