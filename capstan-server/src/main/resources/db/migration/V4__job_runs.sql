-- What the scheduler needs across a job's runs: when its current run started, the GPU-seconds its
-- earlier runs received (least attained service), and since when it waits (its submission, or its
-- last preemption; starvation ageing counts from there).
alter table jobs add column run_started_at bigint;
alter table jobs add column attained_gpu_seconds double precision default 0 not null;
alter table jobs add column waiting_since bigint;
