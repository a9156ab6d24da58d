package io.capstan.server.job;

import java.util.Map;

/**
 * Variables another feature adds to a replica's environment at launch, never stored in the job's
 * spec (a serving replica's secret, for one).
 */
public interface LaunchEnvironment {
  /** The variables for {@code job}'s replicas; empty for jobs this feature does not own. */
  Map<String, String> forJob(JobRecord job);
}
