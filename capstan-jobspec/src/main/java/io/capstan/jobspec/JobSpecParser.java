package io.capstan.jobspec;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.JobSpec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Parses and validates the YAML or JSON text of a job: Capstan's {@code capstan.io/v1 TrainingJob},
 * Kubeflow's {@code kubeflow.org/v1} {@code PyTorchJob}, {@code TFJob} or {@code MPIJob}, Kubeflow
 * Trainer's {@code trainer.kubeflow.org/v1alpha1 TrainJob}, the MPI Operator's {@code
 * kubeflow.org/v2beta1 MPIJob}, or Kubernetes' {@code batch/v1 Job}.
 *
 * <p>A text of several YAML documents ({@code ---}) holds one job: empty and comment-only documents
 * are skipped, and any other document (a Service, a ConfigMap, a second job) is refused, naming its
 * kind, its name and its place in the file, since Capstan would not create it (decision 81).
 *
 * <p>The text is read with SnakeYAML's safe constructor (plain maps, lists and scalars; no custom
 * tags), at most {@value #MAX_CODE_POINTS} code points, {@value #MAX_ALIASES} aliases of
 * collections and {@value #MAX_NESTING_DEPTH} levels of nesting, and without duplicate keys. The
 * document's {@code apiVersion} and {@code kind} choose the format that validates it.
 *
 * <p>Thread-safe: each call builds its own SnakeYAML instance.
 */
public final class JobSpecParser {
  static final int MAX_CODE_POINTS = 2 * 1024 * 1024;
  static final int MAX_ALIASES = 50;

  /** Deep enough for any pod template, shallow enough to stop a stack-eating document. */
  static final int MAX_NESTING_DEPTH = 64;

  private final List<SpecFormat> formats;

  /** A parser of every supported format, generating names from a secure random source. */
  public JobSpecParser() {
    this(new SecureRandom());
  }

  /** A parser whose generated names come from {@code random}, for repeatable tests. */
  JobSpecParser(RandomGenerator random) {
    this(
        List.of(
            new CapstanTrainingJobFormat(random),
            new PyTorchJobFormat(random),
            new TFJobFormat(random),
            new TrainJobFormat(random),
            new MpiJobFormat(random),
            new MpiJobV1Format(random),
            new BatchJobFormat(random)));
  }

  JobSpecParser(List<SpecFormat> formats) {
    this.formats = List.copyOf(formats);
  }

  /**
   * Parses YAML or JSON text of a Capstan TrainingJob, a Kubeflow v1 PyTorchJob or TFJob, a
   * Kubeflow Trainer TrainJob, an MPI Operator MPIJob or a Kubernetes batch/v1 Job.
   *
   * @throws CapstanException with {@link ErrorCode#INVALID_SPEC}: for malformed YAML with no field
   *     and the line and column in the message, otherwise with the path of the offending field
   */
  public JobSpec parse(String text) {
    requireNonNull(text, "text is null");
    checkSize(text);
    Object document = jobDocument(loadAll(text));
    if (document == null) {
      throw FieldPath.ROOT.invalid(
          "Expected a YAML or JSON mapping with apiVersion and kind, but the document is empty");
    }
    if (!(document instanceof Map)) {
      throw FieldPath.ROOT.invalid(
          "Expected a YAML or JSON mapping with apiVersion and kind, but was "
              + SpecMap.describe(document));
    }
    SpecMap root = SpecMap.of(document, FieldPath.ROOT);
    return format(root.requiredString("apiVersion"), root.requiredString("kind"), root)
        .parse(root.values());
  }

  /**
   * The one job of {@code documents}, skipping empty ones: the only document when there is one,
   * else the one whose kind is a job's; any other document is refused by its kind, name and place.
   */
  private Object jobDocument(List<Object> documents) {
    List<Integer> present = new ArrayList<>();
    for (int i = 0; i < documents.size(); i++) {
      if (documents.get(i) != null) {
        present.add(i);
      }
    }
    if (present.isEmpty()) {
      return null;
    }
    if (present.size() == 1) {
      return documents.get(present.get(0));
    }
    Integer job = null;
    for (int i : present) {
      Object document = documents.get(i);
      boolean isJob = document instanceof Map<?, ?> map && isJobKind(map.get("kind"));
      if (!isJob || job != null) {
        throw FieldPath.ROOT.invalid(
            "Expected one job in the "
                + documents.size()
                + " YAML documents, but document "
                + (i + 1)
                + " is "
                + (isJob ? "a second job, " : "")
                + describeObject(document)
                + (isJob ? ": submit each job on its own" : ", which Capstan does not create"));
      }
      job = i;
    }
    if (job == null) {
      throw FieldPath.ROOT.invalid(
          "Expected one job in the " + documents.size() + " YAML documents, but found none");
    }
    return documents.get(job);
  }

  private boolean isJobKind(Object kind) {
    return formats.stream().anyMatch(format -> format.kind().equals(kind));
  }

  /** {@code a Service 'web'}, {@code a mapping without kind}, {@code a list}. */
  private static String describeObject(Object document) {
    if (!(document instanceof Map<?, ?> map)) {
      return SpecMap.describe(document);
    }
    Object kind = map.get("kind");
    Object name = map.get("metadata") instanceof Map<?, ?> metadata ? metadata.get("name") : null;
    return (kind instanceof String text ? "a " + text : "a mapping without kind")
        + (name instanceof String text ? " '" + text + "'" : "");
  }

  private SpecFormat format(String apiVersion, String kind, SpecMap root) {
    for (SpecFormat format : formats) {
      if (format.supports(apiVersion, kind)) {
        return format;
      }
    }
    List<String> apiVersions =
        formats.stream()
            .filter(format -> format.kind().equals(kind))
            .map(format -> "'" + format.apiVersion() + "'")
            .toList();
    if (!apiVersions.isEmpty()) {
      throw root.pathOf("apiVersion")
          .invalid(
              "Expected apiVersion "
                  + String.join(" or ", apiVersions)
                  + " for kind "
                  + kind
                  + ", but was '"
                  + apiVersion
                  + "'");
    }
    throw root.pathOf("kind")
        .invalid(
            "Expected one of the kinds "
                + formats.stream()
                    .map(format -> format.apiVersion() + " " + format.kind())
                    .collect(Collectors.joining(", "))
                + ", but was "
                + apiVersion
                + " "
                + kind);
  }

  /** Rejects an oversized text before SnakeYAML spends seconds scanning it to its limit. */
  private static void checkSize(String text) {
    if (text.length() > MAX_CODE_POINTS) {
      int codePoints = text.codePointCount(0, text.length());
      if (codePoints > MAX_CODE_POINTS) {
        throw FieldPath.ROOT.invalid(
            "Expected a spec of at most "
                + MAX_CODE_POINTS
                + " characters, but it has "
                + codePoints);
      }
    }
  }

  private static List<Object> loadAll(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING_DEPTH);
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setAllowRecursiveKeys(false);
    DumperOptions dumperOptions = new DumperOptions();
    Yaml yaml =
        new Yaml(
            new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options);
    try {
      List<Object> documents = new ArrayList<>();
      yaml.loadAll(text).forEach(documents::add);
      return documents;
    } catch (MarkedYAMLException e) {
      throw new CapstanException(ErrorCode.INVALID_SPEC, null, malformed(e), e);
    } catch (YAMLException e) {
      throw new CapstanException(
          ErrorCode.INVALID_SPEC, null, "Malformed YAML: " + e.getMessage(), e);
    }
  }

  private static String malformed(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String problem =
        e.getContext() == null ? e.getProblem() : e.getContext() + ": " + e.getProblem();
    if (mark == null) {
      return "Malformed YAML: " + problem;
    }
    return "Malformed YAML at line "
        + (mark.getLine() + 1)
        + ", column "
        + (mark.getColumn() + 1)
        + ": "
        + problem;
  }
}
