-- The last user activity seen of each notebook by any control-plane replica (decision 118): the
-- proxy of the replica a browser reached writes it (at most every 10 s per notebook), and the
-- leader's idle culler reads it, so a notebook used through a follower is not culled. Epoch ms.
create table notebook_activity (
  notebook_uid varchar(64) primary key references notebooks(uid) on delete cascade,
  last_activity bigint not null
);
