-- Per-project queue quotas (Kueue vocabulary). GPU in thousandths of a device. Unlimited borrowing
-- is stored as a very large limit. A project without a row has nominal 0 and may borrow anything.
create table project_quotas (
  project varchar(64) primary key references projects(name) on delete cascade,
  nominal_cpu_millis bigint not null,
  nominal_memory_bytes bigint not null,
  nominal_gpu_milli bigint not null,
  borrow_cpu_millis bigint not null,
  borrow_memory_bytes bigint not null,
  borrow_gpu_milli bigint not null,
  lend_cpu_millis bigint not null,
  lend_memory_bytes bigint not null,
  lend_gpu_milli bigint not null,
  weight int not null,
  policy varchar(16) not null,
  updated_at bigint not null
);
