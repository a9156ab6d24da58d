package io.capstan.api.queue;

/**
 * A project's queue: its quota and what it uses now.
 *
 * @param quota the quota; a project without one has nominal 0 and may borrow without limit
 * @param usage resources held by its admitted jobs
 * @param running jobs holding resources
 * @param pending jobs waiting
 * @param resourceVersion the quota's version: 0 while none was set, then raised by every change;
 *     send it back as {@code If-Match: "N"} on {@code PUT} to change the quota only if nobody else
 *     did since you read it (else 409 CONFLICT); null from a server older than decision 76
 */
public record QueueView(
    String project,
    QuotaSpec quota,
    ResourceQuantities usage,
    int running,
    int pending,
    Long resourceVersion) {}
