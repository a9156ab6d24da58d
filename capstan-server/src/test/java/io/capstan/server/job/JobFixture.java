package io.capstan.server.job;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.Resources;
import io.capstan.api.job.RestartPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Fluent builder of job specs for tests: {@code job("a").pytorch().group(WORKER, 2).build()}. */
final class JobFixture {
  private final String name;
  private Framework framework = Framework.GENERIC;
  private final List<ReplicaGroupSpec> groups = new ArrayList<>();
  private final Map<String, String> labels = new HashMap<>();
  private Resources resources = Resources.NONE;
  private RestartPolicy restartPolicy = RestartPolicy.NEVER;
  private int backoffLimit = 3;
  private int priority;

  private JobFixture(String name) {
    this.name = name;
  }

  static JobFixture job(String name) {
    return new JobFixture(name);
  }

  JobFixture framework(Framework value) {
    this.framework = value;
    return this;
  }

  JobFixture resources(Resources value) {
    this.resources = value;
    return this;
  }

  JobFixture restartPolicy(RestartPolicy value) {
    this.restartPolicy = value;
    return this;
  }

  JobFixture backoffLimit(int value) {
    this.backoffLimit = value;
    return this;
  }

  JobFixture priority(int value) {
    this.priority = value;
    return this;
  }

  JobFixture label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  JobFixture group(ReplicaRole role, int count) {
    groups.add(
        new ReplicaGroupSpec(
            role, count, "host", List.of("true"), List.of(), Map.of(), resources, restartPolicy));
    return this;
  }

  JobSpec build() {
    return JobSpec.builder(name, framework, "TrainingJob")
        .replicaGroups(groups)
        .backoffLimit(backoffLimit)
        .labels(labels)
        .priority(priority)
        .build();
  }
}
