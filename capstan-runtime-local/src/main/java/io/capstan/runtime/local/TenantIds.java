package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The user id of each tenant (project): handed out in order from the configured range the first
 * time a tenant's replica starts, and kept in {@code tenants.properties} in the runtime's state
 * directory, so a tenant keeps its uid across restarts and its files stay its own.
 */
final class TenantIds {
  static final String FILE_NAME = "tenants.properties";

  private final Path file;
  private final int firstUid;
  private final int count;

  TenantIds(Path stateDir, int firstUid, int count) {
    this.file = requireNonNull(stateDir, "stateDir is null").resolve(FILE_NAME);
    this.firstUid = firstUid;
    this.count = count;
  }

  /**
   * Whether {@code path} is storage the runtime made (under its state directory), which a tenant's
   * replica may be given; a host path an operator allowed never is.
   */
  boolean mayGive(Path path) {
    return path.toAbsolutePath()
        .normalize()
        .startsWith(file.getParent().toAbsolutePath().normalize());
  }

  /** The uid of {@code tenant}, allocating the next free one on first use. */
  synchronized int uid(String tenant) {
    requireNonNull(tenant, "tenant is null");
    Properties known = read();
    String existing = known.getProperty(tenant);
    if (existing != null) {
      return Integer.parseInt(existing.trim());
    }
    int next = firstUid + known.size();
    if (next >= firstUid + count) {
      throw new IllegalStateException(
          "Expected a free sandbox uid for project '"
              + tenant
              + "', but all "
              + count
              + " uids from "
              + firstUid
              + " are taken (capstan.runtime.local.sandbox-uid-count)");
    }
    known.setProperty(tenant, Integer.toString(next));
    write(known);
    return next;
  }

  private Properties read() {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      // no tenant yet
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    return properties;
  }

  private void write(Properties properties) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
      try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
        properties.store(writer, "capstan: the sandbox uid of each project");
      }
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }
}
