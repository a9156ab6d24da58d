package io.capstan.api.notebook;

import java.time.Instant;

/** Something that happened to a notebook: created, started, stopped, culled (and why). */
public record NotebookEvent(Instant time, String reason, String message) {}
