-- Optimistic concurrency for every object that is changed in place (decision 76): a save names the
-- version it read and raises it, and a save over a stale version changes nothing. Jobs (V10) and
-- inference services (V11) have theirs; these are the rest.

-- A quota's version is its resourceVersion in the API. 0 means "no quota set", so a row that
-- exists starts at 1: a client that read "no quota" cannot overwrite one set meanwhile.
alter table project_quotas add column version bigint default 0 not null;
update project_quotas set version = 1;

-- A membership's role changes in place (add-member on an existing member, sign-in's groups).
alter table memberships add column version bigint default 0 not null;

-- A user's admin flag changes in place (sign-in's admin group).
alter table users add column version bigint default 0 not null;
