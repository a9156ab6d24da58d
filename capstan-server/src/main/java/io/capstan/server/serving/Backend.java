package io.capstan.server.serving;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * One ready serving replica as the gateway's routes name it: its job, the model version it serves
 * and where it listens.
 *
 * @param jobUid the replica job's uid (its secret is derived from it; the gateway reports load by
 *     it)
 * @param job the replica job's name
 * @param http the replica's HTTP base, e.g. {@code http://127.0.0.1:41234}
 */
record Backend(String jobUid, String job, int version, URI http, int grpcPort) {
  Backend {
    requireNonNull(jobUid, "jobUid is null");
    requireNonNull(job, "job is null");
    requireNonNull(http, "http is null");
  }

  @Override
  public String toString() {
    return job + " (v" + version + " at " + http + ")";
  }
}
