package io.capstan.server.job;

import io.capstan.server.datadir.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The on-disk layout of a job: {@code <data>/jobs/<uid>/{checkpoints,output,replicas/<r>}}, and
 * {@code mpi/hostfile} for an MPI job's launcher.
 */
public final class JobDirectories {
  private final Path root;

  public JobDirectories(Path dataDir) {
    this.root = dataDir.resolve("jobs");
  }

  public Path checkpoints(String uid) {
    return root.resolve(uid).resolve("checkpoints");
  }

  public Path output(String uid) {
    return root.resolve(uid).resolve("output");
  }

  public Path workDir(String uid, String replica) {
    return root.resolve(uid).resolve("replicas").resolve(replica);
  }

  /** Creates the shared directories of a job (kept across restarts of the job). */
  public void create(String uid) {
    try {
      Files.createDirectories(checkpoints(uid));
      Files.createDirectories(output(uid));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the directories of job " + uid, e);
    }
  }

  public void delete(String uid) {
    FileTrees.deleteRecursively(root.resolve(uid));
  }
}
