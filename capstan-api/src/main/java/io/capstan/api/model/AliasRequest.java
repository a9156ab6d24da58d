package io.capstan.api.model;

/** Body of {@code PUT .../aliases/{alias}}: the version the alias is to point at. */
public record AliasRequest(Integer version) {}
