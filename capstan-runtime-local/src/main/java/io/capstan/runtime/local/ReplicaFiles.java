package io.capstan.runtime.local;

import io.capstan.runtime.FileSpec;
import io.capstan.runtime.Mount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a launch, written under the replica's state directory ({@code files/}, readable by
 * the runtime's user only; each file read-only) and seen by the replica as read-only mounts at
 * their container paths: bound there in a sandbox, and, unsandboxed, found where the command and
 * environment name them because container paths of mounts are rewritten to host paths (see {@link
 * ImageEnvironments}), as for every other mount.
 */
final class ReplicaFiles {
  private ReplicaFiles() {}

  /** Where each file will be, as a read-only mount at its container path. */
  static List<Mount> mounts(ReplicaDirectory dir, List<FileSpec> files) {
    List<Mount> mounts = new ArrayList<>(files.size());
    for (int index = 0; index < files.size(); index++) {
      mounts.add(
          Mount.readOnly(hostPath(dir, index, files.get(index)), files.get(index).containerPath()));
    }
    return mounts;
  }

  /** Writes the files where {@link #mounts} says they are. */
  static void write(ReplicaDirectory dir, List<FileSpec> files) throws IOException {
    if (files.isEmpty()) {
      return;
    }
    Path folder = dir.path().resolve(ReplicaDirectory.FILES);
    Files.createDirectories(folder);
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
    for (int index = 0; index < files.size(); index++) {
      Path file = hostPath(dir, index, files.get(index));
      Files.deleteIfExists(file);
      Files.writeString(file, files.get(index).content(), StandardCharsets.UTF_8);
      // Readable by all: a sandboxed replica reads it as its project's user, through its bind.
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    }
  }

  private static Path hostPath(ReplicaDirectory dir, int index, FileSpec file) {
    String name = Path.of(file.containerPath()).getFileName().toString();
    return dir.path()
        .resolve(ReplicaDirectory.FILES)
        .resolve(index + "-" + name.replaceAll("[^A-Za-z0-9._-]", "_"));
  }
}
