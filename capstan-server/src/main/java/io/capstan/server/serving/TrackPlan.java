package io.capstan.server.serving;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What to do with one track (stable or canary) of a service in one controller pass: how many
 * replicas of the wanted version to start and which replicas to retire. A rolling update with one
 * surge replica and none unavailable: a replica of the version being replaced stops only once a
 * replica of the new version answers in its place, so the track never has fewer answering replicas
 * than it had.
 *
 * @param start replicas of the wanted version to start now
 * @param retire replicas to take out of the routes and stop
 */
record TrackPlan(int start, List<Replica> retire) {
  TrackPlan {
    retire = List.copyOf(retire);
  }

  /**
   * One existing replica.
   *
   * @param job its job's name
   * @param ready whether it answers
   * @param createdAt creation order (epoch millis); the newest are retired first
   */
  record Replica(String job, boolean ready, long createdAt) {}

  /**
   * @param current replicas of the wanted version
   * @param replaced replicas of the version being replaced, still answering this track's requests
   *     until enough new ones answer
   * @param wanted replicas of the wanted version the track should have
   */
  static TrackPlan of(List<Replica> current, List<Replica> replaced, int wanted) {
    List<Replica> retire = new ArrayList<>();
    int readyCurrent = (int) current.stream().filter(Replica::ready).count();
    if (current.size() > wanted) {
      List<Replica> extra = new ArrayList<>(current);
      // Waiting ones first, then the newest.
      extra.sort(
          Comparator.comparing(Replica::ready)
              .thenComparing(Comparator.comparingLong(Replica::createdAt).reversed()));
      List<Replica> dropped = extra.subList(0, current.size() - wanted);
      retire.addAll(dropped);
      readyCurrent -= (int) dropped.stream().filter(Replica::ready).count();
    }
    int readyReplaced = 0;
    List<Replica> keptReplaced = new ArrayList<>();
    for (Replica replica : replaced) {
      if (replica.ready()) {
        readyReplaced++;
        keptReplaced.add(replica);
      } else {
        retire.add(replica);
      }
    }
    int surplus = readyCurrent + readyReplaced - wanted;
    keptReplaced.sort(Comparator.comparingLong(Replica::createdAt));
    for (int i = 0; i < Math.min(surplus, keptReplaced.size()); i++) {
      retire.add(keptReplaced.get(i));
    }
    int remainingReplaced =
        keptReplaced.size() - Math.max(0, Math.min(surplus, keptReplaced.size()));
    int currentKept = Math.min(current.size(), wanted);
    int limit = remainingReplaced > 0 ? wanted + 1 : wanted;
    int start =
        Math.max(0, Math.min(wanted - currentKept, limit - currentKept - remainingReplaced));
    return new TrackPlan(start, retire);
  }
}
