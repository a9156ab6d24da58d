package io.capstan.runtime.local;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.image.ImageEnvironment;
import io.capstan.api.image.ImageEnvironmentList;
import io.capstan.runtime.ImageMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime's image map: the built-in entries (the bundled images, the host for every other
 * image) overlaid by the operator's file ({@link ImageMapFile}), entry by entry. The file is read
 * again whenever its text has changed, at the next launch or call: a file that cannot be used is
 * logged with the entry and field at fault and the map last read from it stays in use.
 */
final class LocalImageMap implements ImageMap {
  private static final Logger log = LoggerFactory.getLogger(LocalImageMap.class);

  private final Map<String, Environment> builtIn;
  private final Path file;
  private String lastText;
  private Map<String, ImageEnvironment> fileEntries = Map.of();
  private Map<String, Environment> environments;
  private String problem;

  /**
   * @param builtIn the entries that apply unless the file has one of the same pattern
   * @param file the operator's file, or null for none (the built-in entries only, read-only)
   */
  LocalImageMap(Map<String, Environment> builtIn, Path file) {
    this.builtIn = Map.copyOf(requireNonNull(builtIn, "builtIn is null"));
    this.file = file;
    this.environments = this.builtIn;
    refresh();
  }

  /** The environment of every pattern in use, the file read again if it has changed. */
  synchronized Map<String, Environment> environments() {
    refresh();
    return environments;
  }

  @Override
  public synchronized ImageEnvironmentList list() {
    refresh();
    Map<String, ImageEnvironment> entries = new TreeMap<>();
    builtIn.forEach((pattern, environment) -> entries.put(pattern, wire(pattern, environment)));
    entries.putAll(fileEntries);
    return new ImageEnvironmentList(
        file == null ? null : file.toString(), problem, List.copyOf(entries.values()));
  }

  @Override
  public synchronized Optional<ImageEnvironment> get(String pattern) {
    requireNonNull(pattern, "pattern is null");
    refresh();
    ImageEnvironment entry = fileEntries.get(pattern);
    if (entry != null) {
      return Optional.of(entry);
    }
    return Optional.ofNullable(builtIn.get(pattern)).map(env -> wire(pattern, env));
  }

  @Override
  public synchronized ImageEnvironment set(ImageEnvironment entry) {
    requireNonNull(entry, "entry is null");
    ImageEnvironment stored = entry.withOrigin(ImageEnvironment.FILE);
    checkEntry(stored);
    stored
        .code()
        .forEach(
            (containerPath, hostFolder) -> {
              if (!Files.isDirectory(Path.of(hostFolder))) {
                throw new CapstanException(
                    ErrorCode.INVALID_ARGUMENT,
                    ImageMapFile.field(stored.pattern(), "code." + containerPath),
                    "Expected the host folder of code folder '"
                        + containerPath
                        + "' of image entry '"
                        + stored.pattern()
                        + "' to be a folder on this machine, but '"
                        + hostFolder
                        + "' is not");
              }
            });
    Map<String, ImageEnvironment> changed = editable();
    changed.put(stored.pattern(), stored);
    save(changed);
    return stored;
  }

  @Override
  public synchronized boolean delete(String pattern) {
    requireNonNull(pattern, "pattern is null");
    Map<String, ImageEnvironment> changed = editable();
    if (changed.remove(pattern) == null) {
      return false;
    }
    save(changed);
    return true;
  }

  @Override
  public Optional<List<String>> commandWithoutCommand(String image, List<String> args) {
    Environment environment;
    try {
      environment = ImageEnvironments.environmentOf(environments(), image);
    } catch (CapstanException e) {
      return Optional.empty();
    }
    return environment.commandLine(List.of(), args);
  }

  /**
   * {@link ImageMapFile#check}, and no code folder in the data directory (the file's folder), which
   * a sandbox hides from replicas: it holds the server's tokens and every project's files.
   */
  private Environment checkEntry(ImageEnvironment entry) {
    Environment environment = ImageMapFile.check(entry);
    Path dataDir = file == null ? null : file.getParent();
    environment
        .mounts()
        .forEach(
            (containerPath, host) -> {
              if (dataDir != null && host.startsWith(dataDir)) {
                throw new CapstanException(
                    ErrorCode.INVALID_ARGUMENT,
                    ImageMapFile.field(entry.pattern(), "code." + containerPath),
                    "Expected the host folder of code folder '"
                        + containerPath
                        + "' of image entry '"
                        + entry.pattern()
                        + "' to be outside the data directory "
                        + dataDir
                        + " (replicas never see it: it holds the server's tokens and every"
                        + " project's files), but was '"
                        + host
                        + "'");
              }
            });
    return environment;
  }

  /** The file's entries, to change; refused while the file cannot be used. */
  private Map<String, ImageEnvironment> editable() {
    if (file == null) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "Expected an image map file to write, but this runtime has only its built-in entries");
    }
    refresh();
    if (problem != null) {
      throw new CapstanException(
          ErrorCode.INVALID_STATE,
          "Expected "
              + file
              + " to be a valid image map before it is changed, but it is not ("
              + problem
              + "); fix it by hand first");
    }
    return new LinkedHashMap<>(fileEntries);
  }

  private void save(Map<String, ImageEnvironment> entries) {
    String text = ImageMapFile.write(entries);
    try {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the image map " + file, e);
    }
    refresh();
  }

  /** Reads the file again when its text has changed since it was last read. */
  private void refresh() {
    if (file == null) {
      return;
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      text = "";
    } catch (IOException e) {
      problem = "cannot read it: " + e.getMessage();
      log.warn("Cannot read the image map {}; the last one read stays in use", file, e);
      return;
    }
    if (text.equals(lastText)) {
      return;
    }
    lastText = text;
    Map<String, ImageEnvironment> parsed;
    Map<String, Environment> merged = new LinkedHashMap<>(builtIn);
    try {
      parsed = ImageMapFile.parse(text);
      parsed.forEach((pattern, entry) -> merged.put(pattern, checkEntry(entry)));
    } catch (CapstanException e) {
      problem = e.getMessage() + (e.field() == null ? "" : " (field " + e.field() + ")");
      log.warn(
          "The image map {} cannot be used: {}; the map read before stays in use until it is"
              + " fixed",
          file,
          problem);
      return;
    }
    if (problem != null || !parsed.equals(fileEntries)) {
      log.info("Image map {} read: {} entries of its own", file, parsed.size());
    }
    problem = null;
    fileEntries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parsed));
    environments = Map.copyOf(merged);
  }

  /** A built-in entry as the API shows it. */
  private static ImageEnvironment wire(String pattern, Environment environment) {
    Map<String, String> code = new TreeMap<>();
    environment.mounts().forEach((path, host) -> code.put(path, host.toString()));
    return new ImageEnvironment(
        pattern,
        environment.pythonInterpreter(),
        code,
        environment.workingDir(),
        environment.entrypoint(),
        environment.args(),
        environment.env(),
        ImageEnvironment.BUILT_IN);
  }
}
