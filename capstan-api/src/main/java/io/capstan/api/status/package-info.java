/**
 * Status vocabulary shared by every kind of workload and by inference services: Kubernetes-style
 * conditions (type, status, reason, message, last transition time).
 */
package io.capstan.api.status;
