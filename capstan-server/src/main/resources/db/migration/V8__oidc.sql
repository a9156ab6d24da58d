-- OpenID Connect sign-in (decision 60): who signed in through which provider, the sessions their
-- sign-ins started, and which memberships the provider's groups gave (they follow the groups).

-- A user created on first sign-in is linked to the provider's (issuer, subject), never to a name:
-- a provider user called 'admin' does not become Capstan's bootstrap admin.
create table oidc_identities (
  issuer varchar(512) not null,
  subject varchar(255) not null,
  user_name varchar(64) not null references users(name) on delete cascade,
  created_at bigint not null,
  last_sign_in_at bigint not null,
  primary key (issuer, subject)
);

create index oidc_identities_user on oidc_identities (user_name);

-- Browser sessions (the capstan_session cookie) and the CLI's exchanged tokens. As with API
-- tokens, only the SHA-256 (hex) of the secret is stored.
create table sessions (
  id varchar(32) primary key,
  user_name varchar(64) not null references users(name) on delete cascade,
  client varchar(16) not null,
  token_hash char(64) not null,
  created_at bigint not null,
  expires_at bigint not null,
  constraint sessions_hash unique (token_hash)
);

create index sessions_user on sessions (user_name);
create index sessions_expires on sessions (expires_at);

-- 'oidc' when the provider's groups gave the membership (sign-in updates and removes it), null
-- when a person gave it ('project add-member'; sign-in never touches it).
alter table memberships add column granted_by varchar(16);
