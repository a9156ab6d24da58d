package io.capstan.scheduler;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A cycle's preemptible workloads in victim order, grouped by queue and priority. Which of them a
 * kind of candidate may preempt is a choice of whole groups, and of the workloads of its own group
 * that least-attained-service demotion allows: read merged in victim order, as far as a search
 * goes, instead of filtered from every running workload per kind.
 */
final class VictimGroups {
  /** Lowest priority first, then the most recently started (least work lost), then smallest. */
  private static final Comparator<Victim> VICTIM_ORDER =
      (a, b) -> {
        int order = Integer.compare(a.priority(), b.priority());
        if (order == 0) {
          order = Long.compare(b.startedSecond(), a.startedSecond());
        }
        if (order == 0) {
          order = Integer.compare(b.startedNano(), a.startedNano());
        }
        if (order == 0) {
          order = Long.compare(a.gpuMilli(), b.gpuMilli());
        }
        if (order == 0) {
          order = Long.compare(a.cpuMillis(), b.cpuMillis());
        }
        return order != 0
            ? order
            : a.running().workload().id().compareTo(b.running().workload().id());
      };

  private final List<Group> groups;
  private final Instant now;

  private VictimGroups(List<Group> groups, Instant now) {
    this.groups = groups;
    this.now = now;
  }

  /**
   * @param running running workloads that are not terminating
   */
  static VictimGroups of(List<RunningWorkload> running, Instant now) {
    // Grouped first, each group sorted when first read: a cycle's searches read few groups, and
    // sorting all ~40,000 running workloads was a fifth of a cycle.
    Map<GroupKey, List<Victim>> byGroup = new HashMap<>();
    for (RunningWorkload workload : running) {
      byGroup
          .computeIfAbsent(
              new GroupKey(workload.workload().queue(), workload.workload().priority()),
              key -> new ArrayList<>())
          .add(Victim.of(workload));
    }
    List<Group> groups = new ArrayList<>();
    byGroup.values().forEach(members -> groups.add(new Group(members, now)));
    // In victim order of their first members, as when they were grouped from the sorted list.
    groups.sort(Comparator.comparing(Group::first, VICTIM_ORDER));
    return new VictimGroups(List.copyOf(groups), now);
  }

  List<Group> groups() {
    return groups;
  }

  /**
   * The level of attained service by which least-attained-service demotion compares {@code running}
   * ({@link PreemptionPlanner#demoted}), or -1 while it has not run long enough to be demoted.
   */
  private static int demotionLevel(RunningWorkload running, Instant now) {
    if (Duration.between(running.startedAt(), now).compareTo(PreemptionPlanner.minimumRun(running))
        < 0) {
      return -1;
    }
    return PendingOrder.lasLevel(running.attainedGpuSeconds(now));
  }

  /**
   * The victims of whole groups and the members of {@code demoting} at least at {@code
   * minimumLevel}: who a kind of candidate may preempt.
   */
  record Choice(List<Group> whole, Group demoting, int minimumLevel) {}

  /** Whether {@code choice} holds {@code running}. */
  boolean contains(Choice choice, RunningWorkload running) {
    for (Group group : groups) {
      if (group.queue().equals(running.workload().queue())
          && group.priority() == running.workload().priority()) {
        return choice.whole().contains(group)
            || (group == choice.demoting() && demotionLevel(running, now) >= choice.minimumLevel());
      }
    }
    return false;
  }

  /** The victims of {@code choice} but {@code stopped}, in victim order, merged as read. */
  Iterator<RunningWorkload> inOrder(Choice choice, Set<RunningWorkload> stopped) {
    PriorityQueue<Cursor> heads =
        new PriorityQueue<>((a, b) -> VICTIM_ORDER.compare(a.head(), b.head()));
    for (Group group : choice.whole()) {
      new Cursor(group, -1, stopped).addTo(heads);
    }
    if (choice.demoting() != null) {
      new Cursor(choice.demoting(), choice.minimumLevel(), stopped).addTo(heads);
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return !heads.isEmpty();
      }

      @Override
      public RunningWorkload next() {
        Cursor cursor = heads.poll();
        if (cursor == null) {
          throw new NoSuchElementException();
        }
        RunningWorkload next = cursor.head().running();
        cursor.advance();
        cursor.addTo(heads);
        return next;
      }
    };
  }

  /**
   * The largest amounts that the victims of {@code choice} hold on {@code snapshot}'s nodes, for
   * budgets up to {@code most}. Stopped victims count too: a bound over more victims is weaker,
   * never wrong.
   */
  VictimBound.Largest largest(Choice choice, WorkingSnapshot snapshot, int most) {
    List<VictimBound.Largest> parts = new ArrayList<>();
    for (Group group : choice.whole()) {
      parts.add(group.largest(snapshot));
    }
    if (choice.demoting() != null) {
      parts.add(choice.demoting().largest(snapshot));
    }
    return new VictimBound.Largest(parts, most);
  }

  /** A running workload with what victim order compares, read once. */
  private record Victim(
      RunningWorkload running,
      int priority,
      long startedSecond,
      int startedNano,
      long gpuMilli,
      long cpuMillis) {
    static Victim of(RunningWorkload running) {
      ResourceAmounts total = running.workload().total();
      return new Victim(
          running,
          running.workload().priority(),
          running.startedAt().getEpochSecond(),
          running.startedAt().getNano(),
          total.gpuMilli(),
          total.cpuMillis());
    }
  }

  /** A group's queue and priority. */
  private record GroupKey(String queue, int priority) {
    @Override
    public int hashCode() {
      // Spelled out: the generated one is slower, and every running workload is hashed.
      return 31 * queue.hashCode() + priority;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof GroupKey key && key.priority == priority && key.queue.equals(queue);
    }
  }

  /** The victims of one queue and priority, in victim order. */
  static final class Group {
    /** In victim order once {@link #members} sorted them. */
    private final List<Victim> members;

    private boolean sorted;

    /** The first member in victim order, found without sorting. */
    private final Victim first;

    private final String queue;
    private final int priority;
    private final Instant now;

    /** The members' demotion levels, found when a candidate of this group first asks. */
    private int[] demotionLevels;

    /** What the members hold, found when first asked: the same for every snapshot of a cycle. */
    private VictimBound.Largest largest;

    private Group(List<Victim> members, Instant now) {
      this.members = members;
      this.first = Collections.min(members, VICTIM_ORDER);
      this.now = now;
      this.queue = members.get(0).running().workload().queue();
      this.priority = members.get(0).running().workload().priority();
    }

    String queue() {
      return queue;
    }

    int priority() {
      return priority;
    }

    /** The members in victim order. */
    private List<Victim> members() {
      if (!sorted) {
        members.sort(VICTIM_ORDER);
        sorted = true;
      }
      return members;
    }

    private Victim first() {
      return first;
    }

    private int[] demotionLevels() {
      if (demotionLevels == null) {
        List<Victim> ordered = members();
        demotionLevels = new int[ordered.size()];
        for (int i = 0; i < demotionLevels.length; i++) {
          demotionLevels[i] = demotionLevel(ordered.get(i).running(), now);
        }
      }
      return demotionLevels;
    }

    private VictimBound.Largest largest(WorkingSnapshot snapshot) {
      if (largest == null) {
        List<RunningWorkload> running = new ArrayList<>(members.size());
        members.forEach(victim -> running.add(victim.running()));
        largest = new VictimBound.Largest(snapshot, running);
      }
      return largest;
    }
  }

  /** A position in a group, on a member that is not stopped and at the level asked. */
  private static final class Cursor {
    private final List<Victim> members;

    /** The members' demotion levels when only those at {@link #minimumLevel} count, else null. */
    private final int[] levels;

    private final int minimumLevel;
    private final Set<RunningWorkload> stopped;
    private int position = -1;

    Cursor(Group group, int minimumLevel, Set<RunningWorkload> stopped) {
      this.members = group.members();
      this.levels = minimumLevel >= 0 ? group.demotionLevels() : null;
      this.minimumLevel = minimumLevel;
      this.stopped = stopped;
      advance();
    }

    Victim head() {
      return members.get(position);
    }

    void advance() {
      position++;
      while (position < members.size()
          && ((levels != null && levels[position] < minimumLevel)
              || stopped.contains(members.get(position).running()))) {
        position++;
      }
    }

    void addTo(PriorityQueue<Cursor> heads) {
      if (position < members.size()) {
        heads.add(this);
      }
    }
  }
}
