-- Katib's editable counts (decision 126): maxTrialCount and parallelTrialCount as a resume set them,
-- over the spec's text as submitted; null keeps the spec's.
alter table experiments add column max_trial_count int;
alter table experiments add column parallel_trial_count int;
