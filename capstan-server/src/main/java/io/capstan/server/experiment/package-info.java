/**
 * Katib Experiments (issue 19): the store, the experiment controller that runs trials as jobs of
 * the project (on the leader), the REST resource. Parsing and the algorithms are {@code
 * capstan-tuning}'s.
 */
package io.capstan.server.experiment;
