-- Status that survives a restart (issue 14, decisions 66 and 67).
-- Why Capstan stopped a replica (JobFinished, Preempted, Restarting): such a replica is Stopped, not
-- Failed.
alter table job_replicas add column reason varchar(64);

-- The serving controller's last verdict on a service, written when it changes: phase, message,
-- conditions (JSON) and the generation it acted on. Null until its first pass.
alter table inference_services add column status_phase varchar(16);
alter table inference_services add column status_message varchar(4000);
alter table inference_services add column status_conditions varchar(20000);
alter table inference_services add column observed_generation bigint;
