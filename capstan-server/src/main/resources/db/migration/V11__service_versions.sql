-- Optimistic concurrency for inference services by a version raised with every save (decision
-- 71), so that generation counts changes of the spec only, as Kubernetes' metadata.generation does,
-- and observed_generation means what it says.
alter table inference_services add column version bigint default 0 not null;
