package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import io.capstan.api.job.Resources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a runtime needs to start one replica (one pod), as data: the runtime needs nothing
 * from the control plane's disk beyond the mounts it names. Build one with {@link
 * #builder(ReplicaId)}; {@link #toBuilder()} changes one.
 *
 * @param id the replica
 * @param attempt the job's attempt number, starting at 1; a relaunch after a restart has a new one
 * @param image container image; the local runtime maps it to a local environment
 * @param command the container's {@code command}: what runs, replacing the image's entrypoint;
 *     empty to run the image's entrypoint, as a pod does. {@code $(VAR)} is expanded from {@code
 *     env} and the {@code CAPSTAN_PORT_*} variables as Kubernetes does (see {@link EnvExpansion})
 * @param args the container's {@code args}: appended to {@code command}, or, without a command, to
 *     the image's entrypoint; with neither, the image's default args run. {@code $(VAR)} expanded
 *     as in {@code command}
 * @param env environment, including the rendezvous variables; the runtime adds {@code
 *     CAPSTAN_PORT_*}, which {@code env} must not set, and, where it offers {@link MetricFiles},
 *     sets {@code CAPSTAN_METRICS_FILE} and {@code CAPSTAN_TENSORBOARD_DIR}
 * @param resources requested and limited resources
 * @param gpuIndices device indices assigned by placement (locally: {@code CUDA_VISIBLE_DEVICES}); a
 *     Kubernetes runtime requests {@code resources.gpus()} devices instead
 * @param workDir the replica's own working directory on the host, or null (what the control plane
 *     passes) for one the runtime chooses; a sandboxed replica sees it at {@link #WORK_DIR} and
 *     starts there
 * @param tenant the project the replica belongs to: replicas of different tenants never share a
 *     user id, files or processes (locally: a uid per project in a sandbox per replica)
 * @param mounts what the replica sees at container paths: its job's volumes (checkpoints, outputs),
 *     artifacts (a model file), host paths (an image's code); the command and environment name
 *     container paths
 * @param privateNetwork the replica needs no peers and listens for nobody: it gets a network of its
 *     own (only loopback) where the runtime can give it one; a launch that declares ports cannot
 *     have one
 * @param ports the named ports the replica listens on (see {@link PortSpec} for how it learns the
 *     port it must listen on)
 * @param files files the runtime writes before the start, read-only at their container paths (an
 *     MPI hostfile)
 * @param readiness how the runtime finds out that the replica takes requests, or null: it is ready
 *     as soon as it runs
 * @param workingDir the container path the command starts in (a pod's {@code workingDir}), or null
 *     for the image's default. Locally: a folder of one of the image's code folders or of a mount,
 *     a folder the host has (read-only in a sandbox), or, where there is nothing, an empty folder
 *     of the replica's own, as a container runtime creates a missing working directory
 * @param node the node the control plane's scheduler placed the replica on, or null where the
 *     runtime has one node (locally) or may choose; a Kubernetes runtime binds the pod there with a
 *     required node affinity, so the whole gang lands where it was admitted
 * @param secretEnv the names of variables of {@code env} whose values are secrets (a notebook's
 *     token): a runtime that can keep them out of the replica's spec does (Kubernetes: a Secret the
 *     variable refers to, so the pod's spec does not show the value); others set them as the rest
 */
public record ReplicaLaunch(
    ReplicaId id,
    int attempt,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    Resources resources,
    List<Integer> gpuIndices,
    Path workDir,
    String tenant,
    List<Mount> mounts,
    boolean privateNetwork,
    List<PortSpec> ports,
    List<FileSpec> files,
    ReadinessSpec readiness,
    String workingDir,
    String node,
    Set<String> secretEnv) {
  /** Where a sandboxed replica sees its working directory. */
  public static final String WORK_DIR = "/capstan/work";

  public ReplicaLaunch {
    requireNonNull(id, "id is null");
    command = List.copyOf(requireNonNull(command, "command is null"));
    args = args == null ? List.of() : List.copyOf(args);
    if (workingDir != null) {
      ContainerPaths.check(workingDir, "the working directory's");
    }
    env = Map.copyOf(requireNonNull(env, "env is null"));
    secretEnv = secretEnv == null ? Set.of() : Set.copyOf(secretEnv);
    for (String name : secretEnv) {
      if (!env.containsKey(name)) {
        throw new IllegalArgumentException(
            "Expected each secret variable of replica "
                + id.key()
                + " to be in its environment, but "
                + name
                + " is not");
      }
    }
    requireNonNull(resources, "resources is null");
    gpuIndices = gpuIndices == null ? List.of() : List.copyOf(gpuIndices);
    requireNonNull(tenant, "tenant is null");
    mounts = List.copyOf(requireNonNull(mounts, "mounts is null"));
    ports = ports == null ? List.of() : List.copyOf(ports);
    files = files == null ? List.of() : List.copyOf(files);
    Set<String> paths = new HashSet<>();
    for (Mount mount : mounts) {
      if (!paths.add(mount.containerPath())) {
        throw new IllegalArgumentException(
            "Expected one mount per container path in replica "
                + id.key()
                + ", but '"
                + mount.containerPath()
                + "' is mounted twice");
      }
    }
    for (FileSpec file : files) {
      if (!paths.add(file.containerPath())) {
        throw new IllegalArgumentException(
            "Expected one mount or file per container path in replica "
                + id.key()
                + ", but file '"
                + file.containerPath()
                + "' is there already");
      }
    }
    checkPorts(id, ports, env, privateNetwork, readiness);
  }

  private static void checkPorts(
      ReplicaId id,
      List<PortSpec> ports,
      Map<String, String> env,
      boolean privateNetwork,
      ReadinessSpec readiness) {
    Set<String> names = new HashSet<>();
    Set<Integer> numbers = new HashSet<>();
    for (PortSpec port : ports) {
      if (!names.add(port.name()) || !numbers.add(port.containerPort())) {
        throw new IllegalArgumentException(
            "Expected distinct port names and numbers in replica "
                + id.key()
                + ", but port '"
                + port.name()
                + "' ("
                + port.containerPort()
                + ") repeats one");
      }
      if (env.containsKey(port.envName())) {
        throw new IllegalArgumentException(
            "Expected the environment of replica "
                + id.key()
                + " to leave "
                + port.envName()
                + " to the runtime, but it sets it");
      }
    }
    if (privateNetwork && !ports.isEmpty()) {
      throw new IllegalArgumentException(
          "Expected a replica with a private network to declare no ports (nobody could reach"
              + " them), but "
              + id.key()
              + " declares "
              + names);
    }
    if (readiness != null && !names.contains(readiness.port())) {
      throw new IllegalArgumentException(
          "Expected the readiness probe of replica "
              + id.key()
              + " to name a declared port "
              + names
              + ", but it names '"
              + readiness.port()
              + "'");
    }
  }

  /** The port named {@code name}, if the launch declares it. */
  public Optional<PortSpec> port(String name) {
    return ports.stream().filter(port -> port.name().equals(name)).findFirst();
  }

  /** A launch of {@code id}, attempt 1, with no environment, GPUs, mounts, ports or files yet. */
  public static Builder builder(ReplicaId id) {
    return new Builder(id);
  }

  /** A builder that starts from this launch. */
  public Builder toBuilder() {
    return new Builder(id)
        .attempt(attempt)
        .image(image)
        .command(command)
        .args(args)
        .env(env)
        .resources(resources)
        .gpuIndices(gpuIndices)
        .workDir(workDir)
        .tenant(tenant)
        .mounts(mounts)
        .privateNetwork(privateNetwork)
        .ports(ports)
        .files(files)
        .readiness(readiness)
        .workingDir(workingDir)
        .node(node)
        .secretEnv(secretEnv);
  }

  /**
   * What runs when the image's entrypoint is not replaced: {@code command} followed by {@code
   * args}.
   */
  public List<String> commandLine() {
    List<String> line = new ArrayList<>(command);
    line.addAll(args);
    return List.copyOf(line);
  }

  /**
   * This launch with another command (its args unchanged), environment, resources and GPUs (the
   * rest unchanged).
   */
  public ReplicaLaunch with(
      List<String> newCommand,
      Map<String, String> newEnv,
      Resources newResources,
      List<Integer> newGpus) {
    return toBuilder()
        .command(newCommand)
        .env(newEnv)
        .resources(newResources)
        .gpuIndices(newGpus)
        .build();
  }

  /**
   * Builds a {@link ReplicaLaunch}; {@link #build()} checks it as the record does. Required:
   * resources and tenant.
   */
  public static final class Builder {
    private final ReplicaId id;
    private int attempt = 1;
    private String image;
    private List<String> command = List.of();
    private List<String> args = List.of();
    private Map<String, String> env = new LinkedHashMap<>();
    private Set<String> secretEnv = new HashSet<>();
    private Resources resources;
    private List<Integer> gpuIndices = new ArrayList<>();
    private Path workDir;
    private String tenant;
    private List<Mount> mounts = new ArrayList<>();
    private boolean privateNetwork;
    private List<PortSpec> ports = new ArrayList<>();
    private List<FileSpec> files = new ArrayList<>();
    private ReadinessSpec readiness;
    private String workingDir;
    private String node;

    private Builder(ReplicaId id) {
      this.id = requireNonNull(id, "id is null");
    }

    public Builder attempt(int newAttempt) {
      this.attempt = newAttempt;
      return this;
    }

    public Builder image(String newImage) {
      this.image = newImage;
      return this;
    }

    public Builder command(List<String> newCommand) {
      this.command = new ArrayList<>(requireNonNull(newCommand, "command is null"));
      return this;
    }

    public Builder command(String... words) {
      return command(List.of(words));
    }

    /** The container's args (see {@link ReplicaLaunch#args()}). */
    public Builder args(List<String> newArgs) {
      this.args = new ArrayList<>(requireNonNull(newArgs, "args is null"));
      return this;
    }

    /** The container path to start in, or null for the image's default. */
    public Builder workingDir(String newWorkingDir) {
      this.workingDir = newWorkingDir;
      return this;
    }

    /** Replaces the names of the secret variables (see {@link ReplicaLaunch#secretEnv()}). */
    public Builder secretEnv(Set<String> names) {
      this.secretEnv = new HashSet<>(requireNonNull(names, "names is null"));
      return this;
    }

    /**
     * Sets variable {@code name} to {@code value}, a secret (see {@link
     * ReplicaLaunch#secretEnv()}).
     */
    public Builder secretEnv(String name, String value) {
      env.put(name, value);
      secretEnv.add(name);
      return this;
    }

    /** The node placement chose, or null (see {@link ReplicaLaunch#node()}). */
    public Builder node(String newNode) {
      this.node = newNode;
      return this;
    }

    /** Replaces the environment. */
    public Builder env(Map<String, String> newEnv) {
      this.env = new LinkedHashMap<>(requireNonNull(newEnv, "env is null"));
      return this;
    }

    /** Adds (or replaces) one variable. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder resources(Resources newResources) {
      this.resources = newResources;
      return this;
    }

    public Builder gpuIndices(List<Integer> newGpuIndices) {
      this.gpuIndices = newGpuIndices == null ? new ArrayList<>() : new ArrayList<>(newGpuIndices);
      return this;
    }

    public Builder workDir(Path newWorkDir) {
      this.workDir = newWorkDir;
      return this;
    }

    public Builder tenant(String newTenant) {
      this.tenant = newTenant;
      return this;
    }

    /** Replaces the mounts. */
    public Builder mounts(List<Mount> newMounts) {
      this.mounts = new ArrayList<>(requireNonNull(newMounts, "mounts is null"));
      return this;
    }

    /** Adds a mount. */
    public Builder mount(Mount mount) {
      mounts.add(requireNonNull(mount, "mount is null"));
      return this;
    }

    public Builder privateNetwork(boolean newPrivateNetwork) {
      this.privateNetwork = newPrivateNetwork;
      return this;
    }

    /** Replaces the ports. */
    public Builder ports(List<PortSpec> newPorts) {
      this.ports = new ArrayList<>(requireNonNull(newPorts, "ports is null"));
      return this;
    }

    /** Declares one more port. */
    public Builder port(String name, int containerPort) {
      ports.add(new PortSpec(name, containerPort));
      return this;
    }

    /** Replaces the files. */
    public Builder files(List<FileSpec> newFiles) {
      this.files = new ArrayList<>(requireNonNull(newFiles, "files is null"));
      return this;
    }

    /** Adds one file. */
    public Builder file(String containerPath, String content) {
      files.add(new FileSpec(containerPath, content));
      return this;
    }

    /** The readiness probe, or null for none. */
    public Builder readiness(ReadinessSpec newReadiness) {
      this.readiness = newReadiness;
      return this;
    }

    public ReplicaLaunch build() {
      return new ReplicaLaunch(
          id,
          attempt,
          image,
          command,
          args,
          env,
          resources,
          gpuIndices,
          workDir,
          tenant,
          mounts,
          privateNetwork,
          ports,
          files,
          readiness,
          workingDir,
          node,
          secretEnv);
    }
  }
}
