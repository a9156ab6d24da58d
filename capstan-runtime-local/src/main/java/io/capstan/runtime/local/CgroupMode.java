package io.capstan.runtime.local;

/** Whether the local runtime limits CPU and memory with cgroups. */
public enum CgroupMode {
  /** Use cgroup v1 or v2 when the host lets this process create cgroups. */
  AUTO,
  /** Never touch cgroups; limits are not enforced. */
  OFF
}
