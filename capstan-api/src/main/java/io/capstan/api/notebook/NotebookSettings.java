package io.capstan.api.notebook;

/**
 * A project's notebook settings ({@code GET/PUT .../notebook-settings}).
 *
 * @param cullAfterSeconds idle time after which the project's notebooks are stopped unless their
 *     spec says otherwise; 0 never culls them; null (in a PUT) returns to the installation's
 *     default
 */
public record NotebookSettings(Long cullAfterSeconds) {}
