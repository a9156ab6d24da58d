package io.capstan.api.error;

/** The three families every Capstan error belongs to; each maps to an HTTP status range. */
public enum ErrorFamily {
  /** The caller asked for something invalid: 4xx. */
  USER_ERROR,
  /** Capstan failed: 5xx. */
  INTERNAL_ERROR,
  /** The request is valid but the cluster or the project's quota cannot hold it: 4xx. */
  INSUFFICIENT_RESOURCES
}
