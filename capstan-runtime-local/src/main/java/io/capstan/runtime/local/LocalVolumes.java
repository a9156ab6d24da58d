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
 * kept across attempts as the volumes are) and copies of artifacts the store has no local file for
 * ({@code .artifacts/<key>}). Volume names are DNS labels, so they never clash with the dotted
 * folders. {@link #resolve} turns a launch's volume and artifact mounts into host paths, bound into
 * the sandbox as every other mount; a sandboxed replica never sees the folder above its own
 * volumes, since the state directory is hidden from it.
 */
final class LocalVolumes implements JobVolumes {
  private static final String WORK = ".work";
  private static final String ARTIFACTS = ".artifacts";

  private final Path root;
  private final ArtifactReader artifacts;

  LocalVolumes(Path root, ArtifactReader artifacts) {
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
  }

  /** The working folder the runtime chooses for a replica whose launch names none. */
  Path workDir(ReplicaId id) {
    return jobDir(id.jobUid()).resolve(WORK).resolve(id.replica());
  }

  /**
   * The mount with its volume or artifact made a host path: the volume's folder (created empty on
   * first use), the artifact's local file, or a copy of the artifact in the job's storage.
   */
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
    Path folder = jobDir(jobUid);
    if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path entry : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(entry);
      }
    } catch (NoSuchFileException e) {
      // deleted meanwhile
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the volumes of job " + jobUid, e);
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
