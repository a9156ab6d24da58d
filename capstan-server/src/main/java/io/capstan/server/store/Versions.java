package io.capstan.server.store;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Optimistic concurrency for the stores (decision 76). A row changed in place carries a version; a
 * save names the version it read, raises it, and changes nothing when the row has moved on. The
 * caller then either decides again over a fresh read ({@link #retry}), or, when a client named the
 * version it read ({@link #ifMatch}), answers {@link ErrorCode#CONFLICT}.
 */
public final class Versions {
  /** How many fresh reads a change gets before it gives up with CONFLICT. */
  public static final int ATTEMPTS = 5;

  private Versions() {}

  /**
   * Runs {@code attempt} (read, decide, compare-and-set) until it answers a value, at most {@link
   * #ATTEMPTS} times; an empty answer means another writer won and the attempt must read again.
   *
   * @param object what is changed, for the error: {@code "Quota of project 'vision'"}
   */
  public static <T> T retry(String object, Supplier<Optional<T>> attempt) {
    for (int i = 0; i < ATTEMPTS; i++) {
      Optional<T> done = attempt.get();
      if (done.isPresent()) {
        return done.get();
      }
    }
    throw new CapstanException(
        ErrorCode.CONFLICT,
        "Expected "
            + object
            + " to stay unchanged between a read and its update, but other writers changed it "
            + ATTEMPTS
            + " times in a row; try again");
  }

  /**
   * The read-decide-write of one object: reads it, checks the client's expectation ({@code
   * If-Match}) against its version, and saves over it, again over a fresh read when another writer
   * won (then the client's expectation, if any, no longer holds). Returns what was replaced.
   *
   * @param save the compare-and-set over what was read; false when another writer won
   */
  public static <R> R change(
      String object,
      OptionalLong expected,
      Supplier<R> read,
      ToLongFunction<R> version,
      Predicate<R> save) {
    return retry(
        object,
        () -> {
          R current = read.get();
          requireExpected(object, expected, version.applyAsLong(current));
          return save.test(current) ? Optional.of(current) : Optional.empty();
        });
  }

  /**
   * Fails with CONFLICT unless {@code current} is the version the client read ({@code expected},
   * from {@code If-Match}); no expectation always passes.
   */
  public static void requireExpected(String object, OptionalLong expected, long current) {
    if (expected.isPresent() && expected.getAsLong() != current) {
      throw changed(object, expected.getAsLong(), current);
    }
  }

  /**
   * The answer when a client's compare-and-set lost: the object is no longer at the {@code
   * resourceVersion} it named.
   */
  public static CapstanException changed(String object, long expected, long current) {
    return new CapstanException(
        ErrorCode.CONFLICT,
        "If-Match",
        "Expected "
            + object
            + " at resourceVersion "
            + expected
            + " (If-Match), but it changed concurrently and is at "
            + current
            + "; read it again and apply your change to what you read");
  }

  /**
   * The version an {@code If-Match} header names: absent or {@code *} for none, else one
   * resourceVersion, bare or quoted as an entity tag ({@code "3"}).
   */
  public static OptionalLong ifMatch(String header) {
    if (header == null || header.isBlank() || header.strip().equals("*")) {
      return OptionalLong.empty();
    }
    String value = header.strip();
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    long version;
    try {
      version = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw badIfMatch(header, e);
    }
    if (version < 0) {
      throw badIfMatch(header, null);
    }
    return OptionalLong.of(version);
  }

  private static CapstanException badIfMatch(String header, Throwable cause) {
    return new CapstanException(
        ErrorCode.INVALID_ARGUMENT,
        "If-Match",
        "Expected If-Match to be the resourceVersion you read, such as \"3\", but was '"
            + header
            + "'",
        cause);
  }
}
