package io.capstan.tuning.experiment;

import java.util.Arrays;
import java.util.List;

/** Whether a finished experiment may be resumed with a higher maxTrialCount (Katib's policies). */
public enum ResumePolicy {
  NEVER("Never"),
  LONG_RUNNING("LongRunning"),
  FROM_VOLUME("FromVolume");

  private final String katibName;

  ResumePolicy(String katibName) {
    this.katibName = katibName;
  }

  public String katibName() {
    return katibName;
  }

  static List<String> katibNames() {
    return Arrays.stream(values()).map(ResumePolicy::katibName).toList();
  }

  static ResumePolicy of(String katibName) {
    return Arrays.stream(values())
        .filter(policy -> policy.katibName.equals(katibName))
        .findFirst()
        .orElseThrow();
  }
}
