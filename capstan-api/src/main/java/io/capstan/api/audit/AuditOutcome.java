package io.capstan.api.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a state-changing call ended, as the audit log records it. */
public enum AuditOutcome {
  /** Done: the server answered 2xx or 3xx. */
  ALLOWED,
  /**
   * Not done because of the request or its caller: any 4xx (not authenticated, not permitted, not
   * found or not visible, invalid, conflicting).
   */
  REFUSED,
  /** Not done, or not known to be done, because the server failed: 5xx. */
  FAILED;

  /** The outcome of an HTTP status. */
  public static AuditOutcome of(int status) {
    if (status >= 500) {
      return FAILED;
    }
    return status >= 400 ? REFUSED : ALLOWED;
  }

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The outcome named {@code name} in any case, or null. */
  @JsonCreator
  public static AuditOutcome fromWire(String name) {
    for (AuditOutcome outcome : values()) {
      if (outcome.name().equalsIgnoreCase(name)) {
        return outcome;
      }
    }
    return null;
  }
}
