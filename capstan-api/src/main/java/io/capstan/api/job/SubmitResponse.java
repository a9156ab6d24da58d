package io.capstan.api.job;

/** Answer to a job submission. */
public record SubmitResponse(String name, String project, String uid, JobPhase phase) {}
