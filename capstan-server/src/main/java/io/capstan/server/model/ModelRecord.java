package io.capstan.server.model;

import java.time.Instant;

/**
 * A model as stored, with a summary of its versions.
 *
 * @param latestVersion the newest existing version, or null when there is none
 * @param versionCount how many versions exist
 */
record ModelRecord(
    String project, String name, Instant createdAt, Integer latestVersion, int versionCount) {}
