package io.capstan.runtime.local;

import io.capstan.api.job.Resources;
import io.capstan.runtime.LogChunk;
import io.capstan.runtime.Mount;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.ReplicaLaunch;
import io.capstan.runtime.WorkloadRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fluent builder of {@link ReplicaLaunch}es under a test's directory: {@code replica(dir, "j",
 * "worker-0").sh("exit 3")}.
 */
final class ReplicaFixture {
  private final Path root;
  private final ReplicaId id;
  private int attempt = 1;
  private String image = "capstan/base:1";
  private List<String> command = List.of("true");
  private List<String> args = List.of();
  private String workingDir;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Resources resources = Resources.NONE;
  private final List<Integer> gpus = new ArrayList<>();
  private final List<Mount> mounts = new ArrayList<>();
  private String tenant = "default";
  private boolean privateNetwork;
  private boolean runtimesWorkDir;

  private ReplicaFixture(Path root, ReplicaId id) {
    this.root = root;
    this.id = id;
  }

  static ReplicaFixture replica(Path root, String jobUid, String replica) {
    return new ReplicaFixture(root, new ReplicaId(jobUid, replica));
  }

  ReplicaFixture attempt(int newAttempt) {
    this.attempt = newAttempt;
    return this;
  }

  ReplicaFixture image(String newImage) {
    this.image = newImage;
    return this;
  }

  ReplicaFixture command(String... tokens) {
    this.command = List.of(tokens);
    return this;
  }

  /** The container's args: with no command, what the image's entrypoint runs. */
  ReplicaFixture args(String... tokens) {
    this.args = List.of(tokens);
    return this;
  }

  /** No command of its own: the image's entrypoint runs. */
  ReplicaFixture noCommand() {
    this.command = List.of();
    return this;
  }

  /** The container path the replica starts in. */
  ReplicaFixture workingDir(String path) {
    this.workingDir = path;
    return this;
  }

  /** Runs {@code script} with {@code sh -c}. */
  ReplicaFixture sh(String script) {
    return command("sh", "-c", script);
  }

  ReplicaFixture env(String name, String value) {
    env.put(name, value);
    return this;
  }

  ReplicaFixture resources(Resources newResources) {
    this.resources = newResources;
    return this;
  }

  ReplicaFixture gpus(Integer... indices) {
    gpus.addAll(List.of(indices));
    return this;
  }

  ReplicaFixture tenant(String newTenant) {
    this.tenant = newTenant;
    return this;
  }

  ReplicaFixture mount(Mount mount) {
    mounts.add(mount);
    return this;
  }

  ReplicaFixture privateNetwork() {
    this.privateNetwork = true;
    return this;
  }

  /** Works in the folder the runtime chooses (as the control plane's launches do). */
  ReplicaFixture runtimesWorkDir() {
    this.runtimesWorkDir = true;
    return this;
  }

  ReplicaId id() {
    return id;
  }

  Path workDir() {
    return root.resolve("work").resolve(id.key());
  }

  /** Everything this attempt of the replica has printed so far, read through the runtime. */
  String log(WorkloadRuntime runtime) {
    StringBuilder text = new StringBuilder();
    long offset = 0;
    while (true) {
      Optional<LogChunk> chunk = runtime.logs().read(id, attempt, offset, 64 * 1024);
      if (chunk.isEmpty() || chunk.get().bytes().length == 0) {
        return text.toString();
      }
      text.append(chunk.get().text());
      offset = chunk.get().nextOffset();
    }
  }

  ReplicaLaunch build() {
    return ReplicaLaunch.builder(id)
        .attempt(attempt)
        .image(image)
        .command(command)
        .args(args)
        .workingDir(workingDir)
        .env(env)
        .resources(resources)
        .gpuIndices(gpus)
        .workDir(runtimesWorkDir ? null : workDir())
        .tenant(tenant)
        .mounts(mounts)
        .privateNetwork(privateNetwork)
        .build();
  }
}
