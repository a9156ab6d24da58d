package io.capstan.api.queue;

/**
 * A project's queue: its quota and what it uses now.
 *
 * @param quota the quota; a project without one has nominal 0 and may borrow without limit
 * @param usage resources held by its admitted jobs
 * @param running jobs holding resources
 * @param pending jobs waiting
 */
public record QueueView(
    String project, QuotaSpec quota, ResourceQuantities usage, int running, int pending) {}
