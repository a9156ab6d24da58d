package io.capstan.server.experiment;

import io.capstan.server.job.CollectorFolder;
import io.capstan.tuning.experiment.MetricsCollectorSpec;
import java.util.Optional;
import java.util.regex.Pattern;

/** A trial's Katib metrics collector as its job keeps it, and what to say when nothing came. */
final class TrialCollectors {
  private TrialCollectors() {}

  /**
   * A File or TensorFlowEvent collector as its trials' jobs keep it: the runtime mounts a folder of
   * its own at the collector's folder and reads it back (decision 125).
   */
  static Optional<CollectorFolder> folder(MetricsCollectorSpec collector) {
    if (collector.kind().equals(MetricsCollectorSpec.STD_OUT) || collector.path() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new CollectorFolder(
            collector.kind(),
            collector.path(),
            collector.format(),
            collector.filters().stream().map(Pattern::pattern).toList()));
  }

  /** What to say of a File or TensorFlowEvent collector's path when nothing came from it. */
  static String whereToWrite(MetricsCollectorSpec collector) {
    return folder(collector)
        .map(
            folder ->
                folder.kind().equals(CollectorFolder.FILE)
                    ? ", or, as its File collector says, to write them to "
                        + folder.path()
                        + " ("
                        + folder.format()
                        + ")"
                    : ", or, as its TensorFlowEvent collector says, to write event files under "
                        + folder.path())
        .orElse("");
  }
}
