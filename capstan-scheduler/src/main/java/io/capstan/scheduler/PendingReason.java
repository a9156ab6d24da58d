package io.capstan.scheduler;

/**
 * Why a pending workload did not start, kept as what the text is made of and written out only when
 * read: a cycle gives a reason to every one of up to 100,000 waiting workloads.
 */
sealed interface PendingReason {
  /** The plain-words text, with numbers. */
  String text();

  static PendingReason of(String text) {
    return new Text(text);
  }

  /** A text already written, usually shared by many workloads. */
  record Text(String text) implements PendingReason {}

  /** Quota holds it back; {@code jobsAhead} of its queue were considered before it. */
  record Quota(PendingReasons.QuotaText quota, int jobsAhead) implements PendingReason {
    @Override
    public String text() {
      return quota.with(jobsAhead);
    }
  }

  /** It waits so as not to delay {@code head}, as {@link PendingReasons#behind}. */
  record Behind(Workload head, Workload waiting) implements PendingReason {
    @Override
    public String text() {
      return PendingReasons.behind(head, waiting);
    }
  }
}
