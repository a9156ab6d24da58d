package io.capstan.scheduler;

import io.capstan.scheduler.cluster.ResourceAmounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
  private static final Comparator<Sortable> VICTIM_ORDER =
      (a, b) -> {
        int order = Integer.compare(a.priority(), b.priority());
        if (order == 0) {
          order = b.startedAt().compareTo(a.startedAt());
        }
        if (order == 0) {
          order = Long.compare(a.total().gpuMilli(), b.total().gpuMilli());
        }
        if (order == 0) {
          order = Long.compare(a.total().cpuMillis(), b.total().cpuMillis());
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
    List<Sortable> sorted = new ArrayList<>(running.size());
    for (RunningWorkload workload : running) {
      sorted.add(
          new Sortable(
              workload,
              workload.workload().priority(),
              workload.startedAt(),
              workload.workload().total()));
    }
    sorted.sort(VICTIM_ORDER);
    Map<String, List<Victim>> byGroup = new LinkedHashMap<>();
    for (int rank = 0; rank < sorted.size(); rank++) {
      RunningWorkload workload = sorted.get(rank).running();
      Victim victim = new Victim(workload, rank);
      byGroup
          .computeIfAbsent(
              workload.workload().queue() + '\0' + workload.workload().priority(),
              key -> new ArrayList<>())
          .add(victim);
    }
    List<Group> groups = new ArrayList<>();
    byGroup.values().forEach(members -> groups.add(new Group(members, now)));
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
        new PriorityQueue<>(Comparator.comparingInt(cursor -> cursor.head().rank()));
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

  /** A running workload and its place in victim order. */
  record Victim(RunningWorkload running, int rank) {}

  /** The victims of one queue and priority, in victim order. */
  static final class Group {
    private final List<Victim> members;
    private final String queue;
    private final int priority;
    private final Instant now;

    /** The members' demotion levels, found when a candidate of this group first asks. */
    private int[] demotionLevels;

    /** What the members hold, found when first asked: the same for every snapshot of a cycle. */
    private VictimBound.Largest largest;

    private Group(List<Victim> members, Instant now) {
      this.members = List.copyOf(members);
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

    private int[] demotionLevels() {
      if (demotionLevels == null) {
        demotionLevels = new int[members.size()];
        for (int i = 0; i < demotionLevels.length; i++) {
          demotionLevels[i] = demotionLevel(members.get(i).running(), now);
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
      this.members = group.members;
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

  /** A running workload with what sorting compares, read once. */
  private record Sortable(
      RunningWorkload running, int priority, Instant startedAt, ResourceAmounts total) {}
}
