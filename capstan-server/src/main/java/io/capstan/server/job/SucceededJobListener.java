package io.capstan.server.job;

/**
 * Told when a job has succeeded and its replicas are stopped, before the runtime forgets them (the
 * model registry registers a declared output here). Called again on every controller pass until it
 * returns normally, also after a server restart, so it must be idempotent; a failure it can explain
 * it records as a job event instead of throwing.
 */
public interface SucceededJobListener {
  void jobSucceeded(JobRecord job);
}
