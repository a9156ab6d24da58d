/**
 * The control plane's Prometheus metrics at {@code GET /metrics}: jobs by phase, queues and their
 * waits, admissions and preemptions, what each project and node holds, API latency and the serving
 * gateway's requests, errors and latency per service version (decision 105).
 */
package io.capstan.server.monitoring;
