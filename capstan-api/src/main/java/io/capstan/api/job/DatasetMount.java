package io.capstan.api.job;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dataset version a job's replicas see read-only, written {@code [PROJECT/]NAME@VERSION[:PATH]}:
 * {@code imagenet-mini@3:/data/imagenet}; the path defaults to {@code /datasets/NAME}, the project
 * to the job's own (another project's dataset must be shared with the job's).
 *
 * @param project the dataset's project, or null for the job's own
 * @param name the dataset's name
 * @param version its version number
 * @param path where replicas see it: absolute, not {@code /}, no {@code ..}
 * @param field where the job's document declared it, for errors found after parsing
 */
public record DatasetMount(String project, String name, int version, String path, String field) {
  /** A dataset name (and project name): lowercase letters, digits, '-', '.', '_', at most 63. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?");

  /** The annotation that declares a Kubeflow kind's datasets, comma-separated references. */
  public static final String ANNOTATION = "capstan.io/datasets";

  private static final Pattern REF = Pattern.compile("(?:([^/@:]+)/)?([^/@:]+)@([^:]*)(?::(.*))?");

  public DatasetMount {
    requireNonNull(name, "name is null");
    requireNonNull(path, "path is null");
    requireNonNull(field, "field is null");
  }

  /** The default mount path of dataset {@code name}. */
  public static String defaultPath(String name) {
    return "/datasets/" + name;
  }

  /** How the reference is written, project included when there is one. */
  public String reference() {
    return (project == null ? "" : project + "/") + name + "@" + version + ":" + path;
  }

  /**
   * Reads one reference; refuses a malformed one with an error naming {@code field}.
   *
   * @throws CapstanException INVALID_SPEC
   */
  public static DatasetMount parse(String text, String field) {
    String trimmed = text == null ? "" : text.trim();
    Matcher m = REF.matcher(trimmed);
    if (!m.matches()) {
      throw CapstanException.invalidSpec(
          field,
          "Expected "
              + field
              + " to be a dataset reference [PROJECT/]NAME@VERSION[:PATH] such as"
              + " imagenet-mini@3:/data/imagenet, but was '"
              + trimmed
              + "'");
    }
    String project = m.group(1);
    String name = m.group(2);
    for (String part : project == null ? List.of(name) : List.of(project, name)) {
      if (!NAME.matcher(part).matches()) {
        throw CapstanException.invalidSpec(
            field,
            "Expected "
                + field
                + " to name a dataset (and project) of lowercase letters, digits, '-', '.' and"
                + " '_', at most 63 characters, but '"
                + trimmed
                + "' has '"
                + part
                + "'");
      }
    }
    int version;
    try {
      version = Integer.parseInt(m.group(3));
    } catch (NumberFormatException e) {
      version = 0;
    }
    if (version < 1) {
      throw CapstanException.invalidSpec(
          field,
          "Expected "
              + field
              + " to name a version number from 1 after '@' (versions are immutable, so a job"
              + " always names one), but '"
              + trimmed
              + "' has '"
              + m.group(3)
              + "'");
    }
    String path = m.group(4) == null || m.group(4).isEmpty() ? defaultPath(name) : m.group(4);
    if (!path.startsWith("/")
        || path.equals("/")
        || List.of(path.split("/")).contains("..")
        || path.contains("//")) {
      throw CapstanException.invalidSpec(
          field,
          "Expected "
              + field
              + " to mount the dataset at an absolute path other than '/' without '..', but '"
              + trimmed
              + "' has '"
              + path
              + "'");
    }
    return new DatasetMount(project, name, version, path, field);
  }

  /**
   * Reads a comma-separated list of references (the annotation's value); each error names {@code
   * field}. Two datasets at one path are refused.
   */
  public static List<DatasetMount> parseList(String text, String field) {
    List<DatasetMount> mounts = new ArrayList<>();
    if (text == null || text.isBlank()) {
      return mounts;
    }
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        mounts.add(parse(part, field));
      }
    }
    checkPaths(mounts, field);
    return mounts;
  }

  /** Refuses two datasets mounted at one path, naming {@code field}. */
  public static void checkPaths(List<DatasetMount> mounts, String field) {
    List<String> seen = new ArrayList<>();
    for (DatasetMount mount : mounts) {
      if (seen.contains(mount.path())) {
        throw CapstanException.invalidSpec(
            field,
            "Expected each dataset of "
                + field
                + " at a path of its own, but two are mounted at '"
                + mount.path()
                + "'");
      }
      seen.add(mount.path());
    }
  }
}
