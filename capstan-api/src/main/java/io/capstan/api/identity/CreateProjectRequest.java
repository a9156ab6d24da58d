package io.capstan.api.identity;

/** Creates a project; the creator becomes its admin. */
public record CreateProjectRequest(String name, String description) {}
