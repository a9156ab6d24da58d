package io.capstan.runtime;

import java.util.List;

/**
 * What a runtime can enforce, so job status can say plainly what it cannot.
 *
 * @param enforcesCpu CPU limits are enforced
 * @param enforcesMemory memory limits are enforced
 * @param notes plain-words notes, e.g. "cgroup v1: cpu and memory limits enforced"
 */
public record RuntimeCapabilities(boolean enforcesCpu, boolean enforcesMemory, List<String> notes) {
  public RuntimeCapabilities {
    notes = notes == null ? List.of() : List.copyOf(notes);
  }
}
