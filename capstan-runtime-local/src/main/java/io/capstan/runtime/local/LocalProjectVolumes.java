package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.MountSource;
import io.capstan.runtime.ProjectVolumes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The projects' volumes on this machine, {@code <stateDir>/project-volumes/<project>/<claim>}: what
 * a job's {@code persistentVolumeClaim} mounts, kept across jobs until deleted here. A project's
 * folder is found only under its own name, so a claim name never reaches another project's.
 */
final class LocalProjectVolumes implements ProjectVolumes {
  private final Path root;

  LocalProjectVolumes(Path root) {
    this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
  }

  /** The folder of {@code project}'s volume {@code claim} (not made here). */
  Path folder(String project, String claim) {
    return projectDir(project).resolve(claim);
  }

  @Override
  public List<Usage> list(String project) {
    Path dir = projectDir(project);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<Usage> volumes = new ArrayList<>();
    try (Stream<Path> claims = Files.list(dir)) {
      for (Path claim : claims.sorted().toList()) {
        if (Files.isDirectory(claim, LinkOption.NOFOLLOW_LINKS)) {
          volumes.add(usage(claim));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the volumes of project " + project, e);
    }
    return volumes;
  }

  private static Usage usage(Path claim) throws IOException {
    long bytes = 0;
    long files = 0;
    try (Stream<Path> walk = Files.walk(claim)) {
      for (Path entry : walk.toList()) {
        BasicFileAttributes attributes =
            Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isRegularFile()) {
          bytes += attributes.size();
          files++;
        }
      }
    } catch (NoSuchFileException e) {
      // written or deleted meanwhile: what was counted
    }
    return new Usage(claim.getFileName().toString(), bytes, files);
  }

  @Override
  public boolean delete(String project, String claim) {
    new MountSource.ProjectVolume(claim, null); // checks the name
    Path folder = folder(project, claim);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      LocalVolumes.deleteTree(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete volume " + claim + " of " + project, e);
    }
    return true;
  }

  private Path projectDir(String project) {
    Path dir = root.resolve(project).normalize();
    if (!dir.getParent().equals(root) || project.startsWith(".")) {
      throw new IllegalArgumentException(
          "Expected a project name that names one folder, but was '" + project + "'");
    }
    return dir;
  }
}
