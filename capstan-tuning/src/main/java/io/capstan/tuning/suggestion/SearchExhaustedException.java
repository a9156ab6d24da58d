package io.capstan.tuning.suggestion;

/**
 * Thrown when an algorithm will never suggest another trial (the grid is enumerated, every
 * Hyperband bracket has run): the experiment ends once its running trials finish.
 */
public final class SearchExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SearchExhaustedException(String message) {
    super(message);
  }
}
