package io.capstan.cli.config;

import static java.util.Objects.requireNonNull;

import io.capstan.cli.CliException;
import io.capstan.cli.ExitCodes;
import io.capstan.cli.client.WireCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;

/**
 * The CLI's config file ({@code $CAPSTAN_CONFIG} or {@code ~/.config/capstan/config.json}): JSON
 * with url, token and project, readable by its owner only (mode 0600) because it holds a token.
 */
public final class ConfigFile {
  public static final String CONFIG_ENV = "CAPSTAN_CONFIG";

  private final Path path;
  private final WireCodec codec;

  public ConfigFile(Path path, WireCodec codec) {
    this.path = requireNonNull(path, "path is null");
    this.codec = requireNonNull(codec, "codec is null");
  }

  /**
   * The user's home directory: {@code $HOME} when it is set, as for every other command in a shell
   * (the JVM's {@code user.home} comes from the password database and ignores it), else {@code
   * user.home}.
   */
  public static Path home(Map<String, String> env) {
    String home = env.get("HOME");
    return home != null && !home.isBlank()
        ? Path.of(home)
        : Path.of(System.getProperty("user.home"));
  }

  /** {@code $CAPSTAN_CONFIG}, else {@code <home>/.config/capstan/config.json}. */
  public static Path defaultPath(Map<String, String> env, Path home) {
    String configured = env.get(CONFIG_ENV);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return home.resolve(".config").resolve("capstan").resolve("config.json");
  }

  public Path path() {
    return path;
  }

  /** The saved config, or empty when the file does not exist. */
  public Optional<SavedConfig> load() {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.ERROR, "Cannot read the config file " + path + ": " + e.getMessage(), e);
    }
    try {
      return Optional.of(codec.fromJson(text, SavedConfig.class));
    } catch (JacksonException e) {
      throw new CliException(
          ExitCodes.ERROR,
          "Expected the config file "
              + path
              + " to be JSON with url, token and project, but could not read it: "
              + e.getOriginalMessage()
              + " (fix it, or delete it and run 'capstan login')",
          e);
    }
  }

  /** Replaces the file atomically; it is created with mode 0600, its new directory with 0700. */
  public void save(SavedConfig config) {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    try {
      Path dir = path.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        if (posix) {
          Files.createDirectories(
              dir,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      }
      Path temp =
          posix
              ? Files.createTempFile(
                  dir,
                  ".config",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, ".config", ".tmp");
      try {
        Files.writeString(temp, codec.toJson(config) + "\n", StandardCharsets.UTF_8);
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.ERROR, "Cannot write the config file " + path + ": " + e.getMessage(), e);
    }
  }
}
