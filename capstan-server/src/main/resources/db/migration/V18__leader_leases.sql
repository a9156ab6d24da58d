-- Leader election among control-plane replicas that share one database (decision 100). One row
-- per lease: who holds it and a counter the holder bumps at every renewal. Candidates judge expiry
-- by their own clock, from when they last saw the counter move (as Kubernetes' leader election
-- does), so replicas need no synchronised clocks; renewed_at is for people reading the table.
create table leader_leases (
  name varchar(64) primary key,
  holder varchar(200) not null,
  version bigint not null,
  renewed_at bigint not null
);
