package io.capstan.runtime.testing;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.ReplicaPhase;
import java.util.List;
import java.util.Map;

/**
 * What a test makes one replica of an {@link InMemoryRuntime} do: {@code runtime.replica("job-1",
 * "worker-1").exits(137)}. Each change shows at the next observation.
 */
public final class ScriptedReplica {
  private final InMemoryRuntime runtime;
  private final ReplicaId id;

  ScriptedReplica(InMemoryRuntime runtime, ReplicaId id) {
    this.runtime = requireNonNull(runtime, "runtime is null");
    this.id = requireNonNull(id, "id is null");
  }

  /** A PENDING replica runs. */
  public ScriptedReplica runs() {
    synchronized (runtime) {
      InMemoryReplica replica = runtime.state(id);
      if (replica.phase != ReplicaPhase.PENDING) {
        throw new IllegalStateException(
            "Expected replica " + id.key() + " to be PENDING, but it is " + replica.phase);
      }
      runtime.run(replica);
    }
    return this;
  }

  /** The replica exits with {@code code}: SUCCEEDED for 0, FAILED otherwise (137: SIGKILL). */
  public ScriptedReplica exits(int code) {
    return exits(code, null);
  }

  /** The replica exits with {@code code} and the runtime's {@code message} (e.g. out of memory). */
  public ScriptedReplica exits(int code, String message) {
    synchronized (runtime) {
      InMemoryReplica replica = runtime.state(id);
      if (replica.phase.isFinished()) {
        throw new IllegalStateException(
            "Expected replica "
                + id.key()
                + " to be running to exit, but it has finished with "
                + replica.exitCode);
      }
      replica.finish(code, message, runtime.clock().instant());
    }
    return this;
  }

  /** The runtime loses track of the replica ({@code LOST}, as when its node is gone). */
  public ScriptedReplica isLost(String message) {
    synchronized (runtime) {
      InMemoryReplica replica = runtime.state(id);
      replica.phase = ReplicaPhase.LOST;
      replica.message = message;
      replica.programExit = null;
    }
    return this;
  }

  /** Its readiness probe passes from now on (whatever it serves), while it runs. */
  public ScriptedReplica becomesReady() {
    return readiness(true);
  }

  /** Its readiness probe fails from now on. */
  public ScriptedReplica becomesNotReady() {
    return readiness(false);
  }

  /** Prints {@code line} and a line break to its log. */
  public ScriptedReplica prints(String line) {
    synchronized (runtime) {
      runtime.state(id).print(line);
    }
    return this;
  }

  /** A termination ends it with {@code code} (143 unless told otherwise). */
  public ScriptedReplica onTerminationExits(int code) {
    synchronized (runtime) {
      runtime.state(id).terminationExit = code;
    }
    return this;
  }

  /** A termination leaves it running: the test says when the grace ran out, with {@link #exits}. */
  public ScriptedReplica ignoresTermination() {
    synchronized (runtime) {
      runtime.state(id).terminationExit = null;
    }
    return this;
  }

  /** The launch that started it. */
  public ReplicaLaunch launch() {
    synchronized (runtime) {
      return runtime.state(id).launch;
    }
  }

  /** Its environment as it sees it: the launch's and {@code CAPSTAN_PORT_*}. */
  public Map<String, String> env() {
    synchronized (runtime) {
      return runtime.state(id).env;
    }
  }

  /** Its command as it runs, {@code $(VAR)} expanded. */
  public List<String> command() {
    synchronized (runtime) {
      return runtime.state(id).command;
    }
  }

  private ScriptedReplica readiness(boolean ready) {
    synchronized (runtime) {
      runtime.state(id).readyOverride = ready;
    }
    return this;
  }
}
