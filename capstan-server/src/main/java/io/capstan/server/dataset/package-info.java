/**
 * Datasets (decisions 95 and 96): named per project, immutable numbered versions stored in the
 * artifact store with a SHA-256 manifest, shared with listed projects, mounted read-only into jobs.
 */
package io.capstan.server.dataset;
