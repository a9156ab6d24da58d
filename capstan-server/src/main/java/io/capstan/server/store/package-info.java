/**
 * What every store shares about optimistic concurrency (decision 76): the bounded retry of a
 * compare-and-set from a fresh read, the 409 when it cannot succeed, and the {@code If-Match} a
 * client sends to compare against the {@code resourceVersion} it read.
 */
package io.capstan.server.store;
