-- Datasets (decision 95): named per project, immutable numbered versions whose files live in the
-- artifact store under datasets/<project>/<name>/v<version>/ with a manifest beside them, and the
-- projects each dataset is shared with. Times are epoch milliseconds.
create table datasets (
  project varchar(64) not null references projects(name) on delete cascade,
  name varchar(64) not null,
  created_at bigint not null,
  created_by varchar(64) not null,
  -- The highest version number ever handed out: incremented under the row lock, never reused.
  last_version int not null default 0,
  primary key (project, name)
);

create table dataset_versions (
  project varchar(64) not null,
  dataset varchar(64) not null,
  version int not null,
  files bigint not null,
  size_bytes bigint not null,
  sha256 varchar(64) not null,
  description varchar(1000),
  source varchar(16) not null,
  created_by varchar(64) not null,
  job_name varchar(64),
  job_uid varchar(64),
  source_uri varchar(1100),
  created_at bigint not null,
  primary key (project, dataset, version),
  foreign key (project, dataset) references datasets(project, name) on delete cascade
);

create table dataset_shares (
  project varchar(64) not null,
  dataset varchar(64) not null,
  shared_with varchar(64) not null references projects(name) on delete cascade,
  primary key (project, dataset, shared_with),
  foreign key (project, dataset) references datasets(project, name) on delete cascade
);

create index dataset_shares_with on dataset_shares (shared_with);
