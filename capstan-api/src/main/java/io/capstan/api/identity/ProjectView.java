package io.capstan.api.identity;

import java.time.Instant;
import java.util.List;

/** A project and its members. */
public record ProjectView(
    String name, String description, Instant createdAt, List<MemberView> members) {
  public ProjectView {
    members = members == null ? List.of() : List.copyOf(members);
  }
}
