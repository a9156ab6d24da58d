-- Users, projects, memberships and API tokens. Portable SQL (H2 and PostgreSQL); times are
-- epoch milliseconds, as in every Capstan table.
create table users (
  name varchar(64) primary key,
  admin boolean not null default false,
  created_at bigint not null
);

create table projects (
  name varchar(64) primary key,
  description varchar(1000),
  created_at bigint not null
);

create table memberships (
  project varchar(64) not null references projects(name) on delete cascade,
  user_name varchar(64) not null references users(name) on delete cascade,
  role varchar(16) not null,
  -- viewer, editor or admin. No CHECK constraint: H2 2.4 binds a check's expression to the session
  -- that created it and fails every insert once that connection closes; ProjectRole validates.
  primary key (project, user_name)
);

create index memberships_user on memberships (user_name);

-- Only the SHA-256 (hex) of a token's secret is stored; the secret is shown once, at creation.
create table tokens (
  id varchar(32) primary key,
  user_name varchar(64) not null references users(name) on delete cascade,
  name varchar(100),
  token_hash char(64) not null,
  created_at bigint not null,
  last_used_at bigint,
  constraint tokens_hash unique (token_hash)
);

create index tokens_user on tokens (user_name);
