-- The model registry: models, their numbered versions (each with one artifact in the artifact store)
-- and aliases. Times are epoch milliseconds; metrics, tags and signatures are JSON text, read whole.
create table models (
  project varchar(64) not null references projects(name) on delete cascade,
  name varchar(64) not null,
  created_at bigint not null,
  -- The highest version number ever handed out; incremented under the row lock of the registering
  -- transaction, so concurrent registrations get distinct numbers and deleted ones are not reused.
  last_version int not null default 0,
  primary key (project, name)
);

create table model_versions (
  project varchar(64) not null,
  model varchar(64) not null,
  version int not null,
  description varchar(1000),
  artifact_key varchar(512) not null,
  artifact_size bigint not null,
  artifact_sha256 varchar(64) not null,
  signature_json varchar(1000000) not null,
  metrics_json varchar(100000) not null,
  tags_json varchar(100000) not null,
  registered_by varchar(64) not null,
  job_name varchar(64),
  job_uid varchar(64),
  job_attempt int,
  output_path varchar(1000),
  created_at bigint not null,
  primary key (project, model, version),
  foreign key (project, model) references models(project, name) on delete cascade
);

create index model_versions_job on model_versions (job_uid);

-- An alias points at one version; assigning it again moves it (updated_at and generation change,
-- so a controller serving NAME@ALIAS notices); deleting the version deletes its aliases.
create table model_aliases (
  project varchar(64) not null,
  model varchar(64) not null,
  alias varchar(64) not null,
  version int not null,
  updated_at bigint not null,
  generation bigint not null default 1,
  primary key (project, model, alias),
  foreign key (project, model, version) references model_versions(project, model, version)
    on delete cascade
);
