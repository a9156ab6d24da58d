/**
 * Training metrics of jobs (decision 106): {@code name=value} pairs that replicas print, read from
 * their output as it is archived (Katib's StdOut metrics collector), stored per job, replica, name
 * and step with a cap per series, and served at {@code /api/v1/projects/{p}/jobs/{j}/metrics}.
 */
package io.capstan.server.metrics;
