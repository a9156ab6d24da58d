-- Secrets and config maps of a project (decision 84): named sets of keys and values that jobs read.
-- One table for both kinds ('secret', 'configmap'), since they differ only in how values are kept.
-- keys_json is the clear list of keys with the size of each value in bytes, so lists and views
-- never touch values. values_text is a config map's values as JSON text; a secret's values are
-- AES-GCM-encrypted under the server's key (secrets.key in the data dir) and kept as base64 text.
-- Times are epoch milliseconds; version is the row's resourceVersion (decision 76).
create table project_data (
  project varchar(64) not null references projects(name) on delete cascade,
  kind varchar(16) not null,
  name varchar(64) not null,
  keys_json varchar(100000) not null,
  values_text varchar(3000000) not null,
  created_at bigint not null,
  updated_at bigint not null,
  updated_by varchar(64) not null,
  version bigint default 1 not null,
  primary key (project, kind, name)
);
