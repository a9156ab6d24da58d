package io.capstan.server.audit;

import io.capstan.api.error.CapstanException;

/**
 * What a controller adds to the audit event of its request, where the path and the body do not say
 * enough: the object's name when the path has none (a submitted job), and what the object was
 * before and became after (a quota, a job's phase). A controller method declares an {@code
 * AuditNote audit} parameter to receive it; on a request that is not audited (a GET) the note is
 * discarded. Summaries pass through the same redaction as request bodies, but should name no secret
 * in the first place.
 */
public final class AuditNote {
  private String kind;
  private String name;
  private Object before;
  private Object after;
  private CapstanException error;

  /** Names the object the call acted on, overriding what the path says. */
  public AuditNote object(String kind, String name) {
    this.kind = kind;
    this.name = name;
    return this;
  }

  /** What the object was before the call (a record or a map; serialized as JSON). */
  public AuditNote before(Object summary) {
    this.before = summary;
    return this;
  }

  /** What the object became (a record or a map; serialized as JSON). */
  public AuditNote after(Object summary) {
    this.after = summary;
    return this;
  }

  void refusedWith(CapstanException error) {
    this.error = error;
  }

  String kind() {
    return kind;
  }

  String name() {
    return name;
  }

  Object before() {
    return before;
  }

  Object after() {
    return after;
  }

  CapstanException error() {
    return error;
  }
}
