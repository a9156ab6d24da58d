package io.capstan.server.identity;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A generation that moves on every change that takes access away (a token deleted, a member
 * removed), after it is committed. Whoever remembers an access decision remembers the generation it
 * read before asking, and forgets the decision once the generation has moved.
 */
public final class Revocations {
  private final AtomicLong generation = new AtomicLong();

  /** The current generation; read it before the access checks whose answer is remembered. */
  public long generation() {
    return generation.get();
  }

  /** Called after a change that took access away is committed. */
  public void revoked() {
    generation.incrementAndGet();
  }
}
