package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.JobVolumes;
import io.capstan.runtime.Mount;
import io.capstan.runtime.MountSource;
import io.capstan.runtime.ReplicaId;
import io.capstan.runtime.VolumeFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The jobs' storage on this machine, {@code <stateDir>/volumes/<jobUid>/}: a folder per job volume
 * ({@code output/}, {@code checkpoints/}), the replicas' working folders ({@code .work/<replica>},
 * kept across attempts as the volumes are), their scratch volumes ({@code
 * .scratch/<replica>/<name>}), the files of their secrets and config maps ({@code
 * .files/<replica>/<n>}, written again at every launch) and copies of artifacts the store has no
 * local file for ({@code .artifacts/<key>}); and the projects' volumes, {@code
 * <stateDir>/project-volumes/<project>/<claim>}, kept until an operator deletes them. Volume names
 * are DNS labels, so they never clash with the dotted folders. {@link #resolve} turns a launch's
 * mounts into host paths, bound into the sandbox as every other mount; a sandboxed replica never
 * sees the folders above its own volumes, since the state directory is hidden from it. A memory
 * volume stays one in a sandbox (a tmpfs) and is scratch storage without one.
 */
final class LocalVolumes implements JobVolumes {
  private static final String WORK = ".work";
  private static final String ARTIFACTS = ".artifacts";
  private static final String SCRATCH = ".scratch";
  private static final String FILES = ".files";

  private final Path root;
  private final LocalProjectVolumes projects;
  private final ArtifactReader artifacts;
  private final boolean sandboxed;

  /** Volumes without project volumes' own root (a test's): under {@code root}'s sibling. */
  LocalVolumes(Path root, ArtifactReader artifacts) {
    this(root, root.resolveSibling("project-volumes"), artifacts, true);
  }

  /**
   * @param root the jobs' storage
   * @param projectRoot the projects' volumes
   * @param sandboxed whether replicas run in a sandbox, where a memory volume can be a tmpfs
   */
  LocalVolumes(Path root, Path projectRoot, ArtifactReader artifacts, boolean sandboxed) {
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    this.projects = new LocalProjectVolumes(projectRoot);
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.sandboxed = sandboxed;
  }

  /** The working folder the runtime chooses for a replica whose launch names none. */
  Path workDir(ReplicaId id) {
    return jobDir(id.jobUid()).resolve(WORK).resolve(id.replica());
  }

  /**
   * The mount of a replica of project {@code tenant} with its source made a host path: a volume's
   * folder (created empty on first use), the artifact's local file or a copy in the job's storage,
   * the folder its files were written to; a memory volume stays one in a sandbox.
   */
  Mount resolve(ReplicaId id, String tenant, Mount mount, int index) {
    if (mount.source() instanceof MountSource.ProjectVolume volume) {
      Path folder = within(projects.folder(tenant, volume.claim()), volume.subPath());
      createDirectories(folder);
      return new Mount(new MountSource.HostPath(folder), mount.containerPath(), mount.readOnly());
    }
    if (mount.source() instanceof MountSource.Scratch scratch) {
      Path folder = within(scratchDir(id).resolve(scratch.name()), scratch.subPath());
      createDirectories(folder);
      return new Mount(new MountSource.HostPath(folder), mount.containerPath(), mount.readOnly());
    }
    if (mount.source() instanceof MountSource.Memory && !sandboxed) {
      Path folder = scratchDir(id).resolve(".memory-" + index);
      createDirectories(folder);
      return new Mount(new MountSource.HostPath(folder), mount.containerPath(), mount.readOnly());
    }
    if (mount.source() instanceof MountSource.NodePath node) {
      return new Mount(
          new MountSource.HostPath(nodePath(id, node, mount.containerPath())),
          mount.containerPath(),
          mount.readOnly());
    }
    if (mount.source() instanceof MountSource.Files files) {
      Path folder = jobDir(id.jobUid()).resolve(FILES).resolve(id.replica()).resolve("" + index);
      writeFiles(folder, files);
      return Mount.readOnly(folder, mount.containerPath());
    }
    return resolve(id, mount);
  }

  /** {@link #resolve(ReplicaId, String, Mount, int)} of a job volume, artifact or host path. */
  Mount resolve(ReplicaId id, Mount mount) {
    if (mount.source() instanceof MountSource.JobVolume volume) {
      Path folder = volume(id.jobUid(), volume.name());
      createDirectories(folder);
      return new Mount(new MountSource.HostPath(folder), mount.containerPath(), mount.readOnly());
    }
    if (mount.source() instanceof MountSource.Artifact artifact) {
      Path file = artifactFile(id, artifact.key(), mount.containerPath());
      return Mount.readOnly(file, mount.containerPath());
    }
    return mount;
  }

  @Override
  public List<VolumeFile> list(String jobUid, String volume) {
    JobVolumes.checkVolume(jobUid, volume);
    Path folder = volume(jobUid, volume);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<VolumeFile> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path entry : walk.sorted().toList()) {
        BasicFileAttributes attributes =
            Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
          String path = folder.relativize(entry).toString().replace('\\', '/');
          boolean regular = attributes.isRegularFile();
          files.add(new VolumeFile(path, regular ? attributes.size() : 0, regular));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of(); // deleted meanwhile
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list volume " + volume + " of job " + jobUid, e);
    }
    files.sort(Comparator.comparing(VolumeFile::path));
    return files;
  }

  @Override
  public InputStream open(String jobUid, String volume, String path) {
    JobVolumes.checkVolume(jobUid, volume);
    JobVolumes.checkPath(path);
    Path file = volume(jobUid, volume);
    // Never through a link: each folder on the way and the file itself must be what they say.
    for (String segment : path.split("/")) {
      file = file.resolve(segment);
      if (Files.isSymbolicLink(file)) {
        throw new NoSuchElementException(
            "No regular file '"
                + path
                + "' in volume "
                + volume
                + " of job "
                + jobUid
                + " (a link)");
      }
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchElementException(
          "No regular file '" + path + "' in volume " + volume + " of job " + jobUid);
    }
    try {
      return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new NoSuchElementException(
          "No regular file '" + path + "' in volume " + volume + " of job " + jobUid);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path + " of volume " + volume, e);
    }
  }

  @Override
  public void delete(String jobUid) {
    requireNonNull(jobUid, "jobUid is null");
    try {
      deleteTree(jobDir(jobUid));
    } catch (NoSuchFileException e) {
      // deleted meanwhile
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the volumes of job " + jobUid, e);
    }
  }

  /** Whether {@code folder} holds the files of a {@link MountSource.Files} mount. */
  static boolean isFiles(Path folder) {
    Path replica = folder.getParent();
    return replica != null
        && replica.getParent() != null
        && replica.getParent().getFileName().toString().equals(FILES);
  }

  /** A node path checked as its type says, made when it may be. */
  private static Path nodePath(ReplicaId id, MountSource.NodePath node, String containerPath) {
    Path path = Path.of(node.path()).normalize();
    String type = node.type();
    boolean wrong =
        (type.equals("Directory") && !Files.isDirectory(path))
            || (type.equals("File") && !Files.isRegularFile(path));
    if (wrong) {
      throw CapstanException.invalidSpec(
          "hostPath",
          "Expected host path '"
              + path
              + "' of the mount at "
              + containerPath
              + " of replica "
              + id.key()
              + " to be a "
              + type
              + ", but it is not");
    }
    if (!Files.exists(path)) {
      createDirectories(path);
    }
    return path;
  }

  /** The host folder of a replica's scratch volume {@code name} (which may not exist yet). */
  Path scratch(ReplicaId id, String name) {
    return scratchDir(id).resolve(name);
  }

  private Path scratchDir(ReplicaId id) {
    return jobDir(id.jobUid()).resolve(SCRATCH).resolve(id.replica());
  }

  private static Path within(Path folder, String subPath) {
    return subPath == null ? folder : folder.resolve(subPath);
  }

  /** The projects' volumes, which live beside the jobs'. */
  LocalProjectVolumes projects() {
    return projects;
  }

  /** Writes {@code files} afresh into {@code folder}, never through a link. */
  private static void writeFiles(Path folder, MountSource.Files files) {
    try {
      deleteTree(folder);
      Files.createDirectories(folder);
      String mode = PosixFilePermissions.toString(permissions(files.mode()));
      for (var entry : files.files().entrySet()) {
        Path file = folder.resolve(entry.getKey());
        Files.createDirectories(file.getParent());
        Files.write(file, entry.getValue());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the files of " + folder, e);
    }
  }

  private static java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions(int mode) {
    var all = java.nio.file.attribute.PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
    var set = java.util.EnumSet.noneOf(java.nio.file.attribute.PosixFilePermission.class);
    for (int bit = 0; bit < 9; bit++) {
      if ((mode & (0400 >> bit)) != 0) {
        set.add(all[bit]);
      }
    }
    return set;
  }

  static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path entry : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(entry);
      }
    }
  }

  private Path volume(String jobUid, String name) {
    return jobDir(jobUid).resolve(name);
  }

  private Path jobDir(String jobUid) {
    Path dir = root.resolve(jobUid).normalize();
    if (!dir.getParent().equals(root)) {
      throw new IllegalArgumentException(
          "Expected a job uid that names one folder, but was '" + jobUid + "'");
    }
    return dir;
  }

  /** The store's local file, else a copy in the job's storage made once, readable by all. */
  private Path artifactFile(ReplicaId id, String key, String containerPath) {
    try {
      var local = artifacts.localFile(key);
      if (local.isPresent()) {
        return local.get();
      }
      Path copy = jobDir(id.jobUid()).resolve(ARTIFACTS).resolve(key);
      if (Files.isRegularFile(copy, LinkOption.NOFOLLOW_LINKS)) {
        return copy;
      }
      Files.createDirectories(copy.getParent());
      Path partial = copy.resolveSibling(copy.getFileName() + "." + UUID.randomUUID() + ".part");
      try (InputStream in = artifacts.open(key)) {
        Files.copy(in, partial);
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("r--r--r--"));
        Files.move(partial, copy, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(partial);
      }
      return copy;
    } catch (IOException | UncheckedIOException | NoSuchElementException e) {
      throw new CapstanException(
          ErrorCode.INTERNAL,
          null,
          "Expected artifact "
              + key
              + " for the mount at "
              + containerPath
              + " of replica "
              + id.key()
              + ", but could not read it: "
              + e.getMessage(),
          e);
    }
  }

  private static void createDirectories(Path folder) {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the volume " + folder, e);
    }
  }
}
