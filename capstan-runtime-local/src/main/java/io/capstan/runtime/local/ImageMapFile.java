package io.capstan.runtime.local;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.image.ImageEnvironment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The operator's image map file ({@code <data-dir>/images.yaml}): its YAML form, and the checks
 * every entry passes, from the file or from the API, each naming the entry and the field.
 *
 * <pre>
 * images:
 *   "pytorch/pytorch*":
 *     python: /usr/bin/python3
 *     code: {/opt/pytorch-mnist: /srv/images/mnist}
 *     workingDir: /opt/pytorch-mnist
 *     entrypoint: [python3]
 *     args: [train.py]
 *     env: {OMP_NUM_THREADS: "1"}
 * </pre>
 */
final class ImageMapFile {
  static final String FILE_NAME = "images.yaml";
  static final String ROOT = "images";

  private static final Set<String> FIELDS =
      Set.of("python", "code", "workingDir", "entrypoint", "args", "env");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String HEADER =
      """
      # Capstan's image map: what each container image stands for on this machine.
      # Written by `capstan env set|delete`; edits by hand are read while the server runs
      # (comments are not kept when the API writes the file). See docs/operations.md,
      # "Images on one machine".
      """;

  private ImageMapFile() {}

  /**
   * The entries of a file's text, by pattern, each checked.
   *
   * @throws CapstanException {@code INVALID_ARGUMENT} naming the entry and field
   */
  static Map<String, ImageEnvironment> parse(String text) {
    Object document;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      document = new Yaml(new SafeConstructor(options)).load(text);
    } catch (YAMLException e) {
      throw invalid(null, "Expected the image map to be YAML, but it is not: " + e.getMessage(), e);
    }
    Map<String, ImageEnvironment> entries = new LinkedHashMap<>();
    if (document == null) {
      return entries;
    }
    Map<?, ?> root = map(document, "the image map");
    for (Object key : root.keySet()) {
      if (!ROOT.equals(key)) {
        throw invalid(
            String.valueOf(key),
            "Expected the image map to have only the key '" + ROOT + "', but found '" + key + "'");
      }
    }
    Object images = root.get(ROOT);
    if (images == null) {
      return entries;
    }
    map(images, ROOT)
        .forEach((pattern, value) -> entries.put(String.valueOf(pattern), entry(pattern, value)));
    return entries;
  }

  private static ImageEnvironment entry(Object pattern, Object value) {
    String name = String.valueOf(pattern);
    Map<?, ?> fields = value == null ? Map.of() : map(value, field(name, null));
    for (Object key : fields.keySet()) {
      if (!FIELDS.contains(String.valueOf(key))) {
        throw invalid(
            field(name, String.valueOf(key)),
            "Expected the fields of image entry '"
                + name
                + "' to be among "
                + FIELDS.stream().sorted().toList()
                + ", but found '"
                + key
                + "'");
      }
    }
    ImageEnvironment entry =
        new ImageEnvironment(
            name,
            string(fields.get("python"), name, "python"),
            stringMap(fields.get("code"), name, "code"),
            string(fields.get("workingDir"), name, "workingDir"),
            fields.containsKey("entrypoint")
                ? stringList(fields.get("entrypoint"), name, "entrypoint")
                : null,
            stringList(fields.get("args"), name, "args"),
            stringMap(fields.get("env"), name, "env"),
            ImageEnvironment.FILE);
    check(entry);
    return entry;
  }

  /**
   * Checks an entry and turns it into the runtime's {@link Environment}.
   *
   * @throws CapstanException {@code INVALID_ARGUMENT} naming the entry and field
   */
  static Environment check(ImageEnvironment entry) {
    String name = entry.pattern();
    if (name == null
        || name.isBlank()
        || !name.equals(name.strip())
        || name.chars().anyMatch(Character::isISOControl)) {
      throw invalid(
          "pattern",
          "Expected an image pattern such as 'pytorch/pytorch:*', but was '" + name + "'");
    }
    String python = entry.python();
    if (python != null && (python.isBlank() || (python.contains("/") && !python.startsWith("/")))) {
      throw invalid(
          field(name, "python"),
          "Expected the python of image entry '"
              + name
              + "' to be an absolute path or a command on PATH, but was '"
              + python
              + "'");
    }
    Map<String, Path> mounts = new LinkedHashMap<>();
    entry
        .code()
        .forEach(
            (containerPath, hostFolder) -> {
              checkContainerPath(containerPath, name, "code." + containerPath, "code folder");
              Path host = hostFolder == null ? null : Path.of(hostFolder);
              if (host == null || !host.isAbsolute() || !host.normalize().equals(host)) {
                throw invalid(
                    field(name, "code." + containerPath),
                    "Expected the host folder of code folder '"
                        + containerPath
                        + "' of image entry '"
                        + name
                        + "' to be an absolute, normalized path, but was '"
                        + hostFolder
                        + "'");
              }
              mounts.put(containerPath, host);
            });
    if (entry.workingDir() != null) {
      checkContainerPath(entry.workingDir(), name, "workingDir", "working directory");
    }
    if (entry.entrypoint() != null
        && !entry.entrypoint().isEmpty()
        && entry.entrypoint().get(0).isBlank()) {
      throw invalid(
          field(name, "entrypoint"),
          "Expected the entrypoint of image entry '"
              + name
              + "' to start with a program, but its first word is blank");
    }
    entry
        .env()
        .forEach(
            (variable, value) -> {
              if (!ENV_NAME.matcher(variable).matches() || value == null) {
                throw invalid(
                    field(name, "env." + variable),
                    "Expected the variables of image entry '"
                        + name
                        + "' to be NAME: value with NAME of letters, digits and '_', but found '"
                        + variable
                        + "'"
                        + (value == null ? " without a value" : ""));
              }
            });
    return new Environment(
        mounts, python, entry.env(), entry.workingDir(), entry.entrypoint(), entry.args());
  }

  private static void checkContainerPath(String path, String name, String field, String what) {
    boolean normalized =
        path != null
            && path.startsWith("/")
            && path.length() > 1
            && !path.endsWith("/")
            && Path.of(path).normalize().toString().equals(path);
    if (!normalized) {
      throw invalid(
          field(name, field),
          "Expected the "
              + what
              + " of image entry '"
              + name
              + "' to be an absolute, normalized container path other than '/', but was '"
              + path
              + "'");
    }
    if (path.equals("/capstan") || path.startsWith("/capstan/")) {
      throw invalid(
          field(name, field),
          "Expected the "
              + what
              + " of image entry '"
              + name
              + "' to be outside /capstan (where Capstan puts a replica's own folders), but was '"
              + path
              + "'");
    }
  }

  /** The file's text for {@code entries} (the operator's only), with a header. */
  static String write(Map<String, ImageEnvironment> entries) {
    Map<String, Object> images = new LinkedHashMap<>();
    entries.forEach(
        (pattern, entry) -> {
          Map<String, Object> fields = new LinkedHashMap<>();
          if (entry.python() != null) {
            fields.put("python", entry.python());
          }
          if (!entry.code().isEmpty()) {
            fields.put("code", new TreeMap<>(entry.code()));
          }
          if (entry.workingDir() != null) {
            fields.put("workingDir", entry.workingDir());
          }
          if (entry.entrypoint() != null) {
            fields.put("entrypoint", new ArrayList<>(entry.entrypoint()));
          }
          if (!entry.args().isEmpty()) {
            fields.put("args", new ArrayList<>(entry.args()));
          }
          if (!entry.env().isEmpty()) {
            fields.put("env", new TreeMap<>(entry.env()));
          }
          images.put(pattern, fields);
        });
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    Yaml yaml =
        new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options);
    return HEADER + yaml.dump(Map.of(ROOT, images));
  }

  /** The field path of {@code field} of the entry of {@code pattern}, as messages name it. */
  static String field(String pattern, String field) {
    String entry = ROOT + "[\"" + pattern + "\"]";
    return field == null ? entry : entry + "." + field;
  }

  private static Map<?, ?> map(Object value, String what) {
    if (value instanceof Map<?, ?> map) {
      return map;
    }
    throw invalid(what, "Expected " + what + " to be a mapping, but was " + describe(value));
  }

  private static String string(Object value, String pattern, String field) {
    if (value == null) {
      return null;
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    throw invalid(
        field(pattern, field),
        "Expected " + field(pattern, field) + " to be a string, but was " + describe(value));
  }

  private static List<String> stringList(Object value, String pattern, String field) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw invalid(
          field(pattern, field),
          "Expected "
              + field(pattern, field)
              + " to be a list of strings, but was "
              + describe(value));
    }
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      strings.add(requireString(list.get(i), pattern, field + "[" + i + "]"));
    }
    return strings;
  }

  private static Map<String, String> stringMap(Object value, String pattern, String field) {
    if (value == null) {
      return Map.of();
    }
    Map<String, String> strings = new LinkedHashMap<>();
    map(value, field(pattern, field))
        .forEach(
            (key, item) ->
                strings.put(String.valueOf(key), requireString(item, pattern, field + "." + key)));
    return strings;
  }

  private static String requireString(Object value, String pattern, String field) {
    String string = string(value, pattern, field);
    if (string == null) {
      throw invalid(
          field(pattern, field),
          "Expected " + field(pattern, field) + " to be a string, but it is empty");
    }
    return string;
  }

  private static String describe(Object value) {
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return "a list";
    }
    return value == null ? "empty" : "'" + value + "'";
  }

  private static CapstanException invalid(String field, String message) {
    return invalid(field, message, null);
  }

  private static CapstanException invalid(String field, String message, Throwable cause) {
    return new CapstanException(ErrorCode.INVALID_ARGUMENT, field, message, cause);
  }
}
