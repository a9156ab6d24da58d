package io.capstan.server.job;

import io.capstan.api.job.TrainerStatus;
import java.util.Optional;

/**
 * The progress a job's training reported (percent done, time left), shown in its status; the
 * training metrics keep it (decision 111).
 */
@FunctionalInterface
public interface TrainerProgress {
  /** No job reports progress. */
  TrainerProgress NONE = jobUid -> Optional.empty();

  /** The latest progress job {@code jobUid} reported, if any. */
  Optional<TrainerStatus> of(String jobUid);
}
