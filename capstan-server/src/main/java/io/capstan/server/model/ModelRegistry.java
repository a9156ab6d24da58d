package io.capstan.server.model;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.model.AliasView;
import io.capstan.api.model.ArtifactView;
import io.capstan.api.model.Lineage;
import io.capstan.api.model.ModelRef;
import io.capstan.api.model.ModelSignature;
import io.capstan.api.model.ModelVersionView;
import io.capstan.api.model.ModelView;
import io.capstan.server.artifact.ArtifactKeys;
import io.capstan.server.artifact.ArtifactStore;
import io.capstan.server.artifact.ArtifactTooLargeException;
import io.capstan.server.artifact.StoredArtifact;
import io.capstan.server.store.Versions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry: registers versions (artifact stored, signature read, number assigned, all or
 * nothing), reads them, moves aliases and deletes. {@link #resolve} is the entry point for serving:
 * it turns {@code NAME:N} or {@code NAME@ALIAS} into the version and file to load.
 */
public final class ModelRegistry {
  private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
  private static final String MODELS_FOLDER = "models";

  private final ModelStore store;
  private final ArtifactStore artifacts;
  private final OnnxSignatures signatures;
  private final Clock clock;
  private final long maxArtifactBytes;

  /** Keys of uploads between their file being stored and their version row being written. */
  private final Set<String> inProgress = ConcurrentHashMap.newKeySet();

  ModelRegistry(
      ModelStore store,
      ArtifactStore artifacts,
      OnnxSignatures signatures,
      Clock clock,
      ModelsConfig config) {
    this.store = requireNonNull(store, "store is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.signatures = requireNonNull(signatures, "signatures is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.maxArtifactBytes = config.maxArtifactBytes();
  }

  /** The largest model file accepted. */
  public long maxArtifactBytes() {
    return maxArtifactBytes;
  }

  /**
   * Registers the ONNX model {@code content} yields as the next version of {@code model}. Nothing
   * is stored when it is too large (413), not a loadable ONNX model (400) or anything else fails.
   *
   * @param field the input field the content came from ({@code body}, {@code path}), for errors
   */
  ModelVersionView register(
      String project,
      String model,
      InputStream content,
      String field,
      VersionDetails details,
      Lineage lineage) {
    ModelRef.checkName(model, "model");
    String key =
        MODELS_FOLDER
            + "/"
            + ArtifactKeys.segment(project)
            + "/"
            + ArtifactKeys.segment(model)
            + "/"
            + UUID.randomUUID()
            + ".onnx";
    inProgress.add(key);
    boolean registered = false;
    try {
      StoredArtifact stored = store(key, content, field);
      if (stored.sizeBytes() == 0) {
        throw new CapstanException(
            ErrorCode.INVALID_ARGUMENT,
            field,
            "Expected " + field + " to be an ONNX model, but it is empty");
      }
      ModelSignature signature = readSignature(key, field, source(model, lineage));
      ModelVersionRecord version =
          store.insertVersion(
              new ModelVersionRecord(
                  project,
                  model,
                  0,
                  details.description(),
                  stored,
                  signature,
                  details.metrics(),
                  details.tags(),
                  lineage,
                  clock.instant()));
      registered = true;
      log.info(
          "Registered {}/{} version {} ({} bytes, by {})",
          project,
          model,
          version.version(),
          stored.sizeBytes(),
          lineage.registeredBy());
      return view(version);
    } finally {
      if (!registered) {
        artifacts.delete(key);
      }
      inProgress.remove(key);
    }
  }

  /**
   * Deletes the model files that no version references: left by a crash between a file being stored
   * and its version row being written. Never touches an upload in progress: the keys in progress
   * are read before the referenced ones, so a file whose row is written meanwhile is seen in one or
   * the other. Called once at start; returns the keys it deleted.
   */
  public List<String> sweepOrphans() {
    List<String> files = artifacts.keysUnder(MODELS_FOLDER);
    Set<String> uploading = Set.copyOf(inProgress);
    Set<String> referenced = store.artifactKeys();
    List<String> removed = new ArrayList<>();
    for (String key : files) {
      if (!referenced.contains(key) && !uploading.contains(key) && artifacts.delete(key)) {
        log.info("Removed model file {}: no model version references it", key);
        removed.add(key);
      }
    }
    return removed;
  }

  private StoredArtifact store(String key, InputStream content, String field) {
    try {
      return artifacts.put(key, content, maxArtifactBytes);
    } catch (ArtifactTooLargeException e) {
      throw tooLarge(field, e);
    }
  }

  CapstanException tooLarge(String field, Exception cause) {
    return new CapstanException(
        ErrorCode.PAYLOAD_TOO_LARGE,
        field,
        "Expected "
            + field
            + " to be a model file of at most "
            + maxArtifactBytes
            + " bytes (capstan.models.max-artifact-bytes), but it is larger",
        cause);
  }

  /** What the user calls the file being registered, for messages: never a path on the server. */
  private static String source(String model, Lineage lineage) {
    if (lineage.jobName() != null && lineage.outputPath() != null) {
      return "'" + lineage.outputPath() + "' of job '" + lineage.jobName() + "'";
    }
    return "the upload of model '" + model + "'";
  }

  /** Loads the stored file; a store without local files lends a temporary copy. */
  private ModelSignature readSignature(String key, String field, String source) {
    var local = artifacts.localPath(key);
    if (local.isPresent()) {
      return signatures.read(local.get(), field, source);
    }
    Path copy = null;
    try (InputStream in = artifacts.open(key)) {
      copy = Files.createTempFile("capstan-model", ".onnx");
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      return signatures.read(copy, field, source);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read artifact " + key, e);
    } finally {
      if (copy != null) {
        deleteTemporary(copy);
      }
    }
  }

  private static void deleteTemporary(Path copy) {
    try {
      Files.deleteIfExists(copy);
    } catch (IOException e) {
      log.warn("Cannot delete temporary copy {}", copy, e);
    }
  }

  public List<ModelView> list(String project) {
    return store.models(project).stream().map(this::view).toList();
  }

  public ModelView model(String project, String name) {
    ModelRef.checkName(name, "model");
    return view(store.model(project, name).orElseThrow(() -> modelNotFound(project, name)));
  }

  /** The model's versions, newest first. */
  public List<ModelVersionView> versions(String project, String name) {
    model(project, name);
    List<AliasRecord> aliases = store.aliases(project, name);
    return store.versions(project, name).stream().map(v -> view(v, aliases)).toList();
  }

  public ModelVersionView version(String project, ModelRef ref) {
    return view(find(project, ref));
  }

  /**
   * Resolves {@code ref} to one version and its file: the contract the serving controller uses.
   *
   * @throws CapstanException NOT_FOUND for an unknown model, version or alias
   */
  public ResolvedModel resolve(String project, ModelRef ref) {
    ModelVersionRecord version = find(project, ref);
    AliasRecord alias =
        ref.alias() == null || ref.latest()
            ? null
            : store.alias(project, ref.model(), ref.alias()).orElse(null);
    return new ResolvedModel(
        project,
        version.model(),
        version.version(),
        version.artifact().key(),
        version.artifact().sha256(),
        artifacts.localPath(version.artifact().key()),
        version.signature(),
        ref.alias(),
        alias == null ? 0 : alias.generation(),
        alias == null ? null : alias.updatedAt());
  }

  /**
   * Points {@code alias} at {@code version}, moving it when it points elsewhere. With {@code
   * expected} (the client's {@code If-Match}) only while the alias is at that resourceVersion (0:
   * only while it does not exist), else CONFLICT; without, over whatever is stored.
   */
  public AliasView setAlias(
      String project, String model, String alias, Integer version, OptionalLong expected) {
    ModelRef.checkName(model, "model");
    ModelRef.checkAlias(alias, "alias", false);
    if (version == null) {
      throw new CapstanException(
          ErrorCode.INVALID_ARGUMENT,
          "version",
          "Expected version to be the version number the alias points at, but it is missing");
    }
    model(project, model);
    Instant now = clock.instant();
    Optional<AliasRecord> before =
        Versions.change(
            "alias '" + model + "@" + alias + "' of project '" + project + "'",
            expected,
            () -> {
              if (store.version(project, model, version).isEmpty()) {
                throw versionNotFound(project, ModelRef.version(model, version));
              }
              return store.alias(project, model, alias);
            },
            current -> current.map(AliasRecord::generation).orElse(0L),
            current ->
                store.setAlias(
                    project,
                    model,
                    alias,
                    version,
                    now,
                    current.map(AliasRecord::generation).orElse(0L)));
    log.info("Alias {}/{}@{} -> version {}", project, model, alias, version);
    long generation = before.map(AliasRecord::generation).orElse(0L) + 1;
    return aliasView(new AliasRecord(project, model, alias, version, now, generation));
  }

  public void deleteAlias(String project, String model, String alias) {
    ModelRef.checkName(model, "model");
    ModelRef.checkAlias(alias, "alias", false);
    if (!store.deleteAlias(project, model, alias)) {
      throw CapstanException.notFound(
          "Alias '" + model + "@" + alias + "' not found in project '" + project + "'");
    }
  }

  public List<AliasView> aliases(String project, String model) {
    model(project, model);
    return store.aliases(project, model).stream().map(ModelRegistry::aliasView).toList();
  }

  /** Deletes one version (a number, never an alias), its aliases and its artifact. */
  public void deleteVersion(String project, String model, int version) {
    ModelRef.checkName(model, "model");
    ModelVersionRecord deleted =
        store
            .deleteVersion(project, model, version)
            .orElseThrow(() -> versionNotFound(project, ModelRef.version(model, version)));
    artifacts.delete(deleted.artifact().key());
    log.info("Deleted {}/{} version {}", project, model, version);
  }

  /** Deletes a model with every version, alias and artifact. */
  public void deleteModel(String project, String model) {
    model(project, model);
    for (ModelVersionRecord version : store.deleteModel(project, model)) {
      artifacts.delete(version.artifact().key());
    }
    log.info("Deleted model {}/{}", project, model);
  }

  private ModelVersionRecord find(String project, ModelRef ref) {
    model(project, ref.model());
    int number;
    if (ref.version() != null) {
      number = ref.version();
    } else if (ref.latest()) {
      number =
          store
              .model(project, ref.model())
              .map(ModelRecord::latestVersion)
              .orElseThrow(() -> versionNotFound(project, ref));
    } else {
      number =
          store
              .alias(project, ref.model(), ref.alias())
              .map(AliasRecord::version)
              .orElseThrow(() -> versionNotFound(project, ref));
    }
    return store
        .version(project, ref.model(), number)
        .orElseThrow(() -> versionNotFound(project, ref));
  }

  private ModelView view(ModelRecord model) {
    Map<String, Integer> aliases = new LinkedHashMap<>();
    for (AliasRecord alias : store.aliases(model.project(), model.name())) {
      aliases.put(alias.alias(), alias.version());
    }
    return new ModelView(
        model.name(),
        model.project(),
        model.createdAt(),
        model.latestVersion(),
        model.versionCount(),
        aliases);
  }

  private ModelVersionView view(ModelVersionRecord version) {
    return view(version, store.aliases(version.project(), version.model()));
  }

  private static ModelVersionView view(ModelVersionRecord v, List<AliasRecord> aliases) {
    return new ModelVersionView(
        v.model(),
        v.project(),
        v.version(),
        v.description(),
        new ArtifactView(
            v.artifact().key(), "onnx", v.artifact().sizeBytes(), v.artifact().sha256()),
        v.signature(),
        v.metrics(),
        v.tags(),
        aliases.stream().filter(a -> a.version() == v.version()).map(AliasRecord::alias).toList(),
        v.lineage(),
        v.createdAt());
  }

  private static AliasView aliasView(AliasRecord alias) {
    return new AliasView(
        alias.model(), alias.alias(), alias.version(), alias.updatedAt(), alias.generation());
  }

  private static CapstanException modelNotFound(String project, String model) {
    return CapstanException.notFound(
        "Model '" + model + "' not found in project '" + project + "'");
  }

  private static CapstanException versionNotFound(String project, ModelRef ref) {
    if (ref.version() != null) {
      return CapstanException.notFound(
          "Version "
              + ref.version()
              + " of model '"
              + ref.model()
              + "' not found in project '"
              + project
              + "'");
    }
    if (ref.latest()) {
      return CapstanException.notFound(
          "Model '"
              + ref.model()
              + "' in project '"
              + project
              + "' has no versions, so @latest means none");
    }
    return CapstanException.notFound("Alias '" + ref + "' not found in project '" + project + "'");
  }
}
