package io.capstan.server.job;

/**
 * Told when a job has succeeded and its replicas are stopped, before the runtime forgets them (the
 * output collector copies the output volume, the model registry registers a declared output).
 * Called again on every controller pass until every listener has returned true, also after a server
 * restart, so it must be idempotent; listeners are asked in order, and a later one only once the
 * earlier ones are done. A failure it can explain it records as a job event instead of throwing.
 */
public interface SucceededJobListener {
  /**
   * Does what follows the job's success, or starts it.
   *
   * @return true when done; false when the work goes on elsewhere (a copy on a thread of the
   *     listener's own, so the controller thread never waits for it): the controller asks again
   *     shortly and keeps the job's replicas until then
   */
  boolean jobSucceeded(JobRecord job);
}
