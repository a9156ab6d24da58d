/**
 * Secrets and config maps of a project: named sets of keys and values, as Kubernetes keeps them,
 * that a job reads as files or environment variables. A secret's values are write-only through the
 * API: its views list keys and sizes, never values.
 */
package io.capstan.api.projectdata;
