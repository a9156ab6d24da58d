package io.capstan.jobspec;

import io.capstan.api.job.EnvFromSource;
import io.capstan.api.job.EnvValueFrom;
import io.capstan.api.job.PodDetails;
import io.capstan.api.job.PodVolume;
import io.capstan.api.job.Quantities;
import io.capstan.api.job.VolumeMount;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads what a pod template says besides image, command, env and resources into {@link PodDetails}:
 * the pod's {@code volumes}, the container's {@code volumeMounts}, {@code workingDir}, {@code
 * env[].valueFrom} and {@code envFrom}, and the template's labels and annotations. A volume source
 * or a field Capstan cannot provide is refused here, naming the field; whether a secret, config map
 * or host path exists is for the server to check.
 */
final class PodTemplateDetails {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  /** Where Capstan's own mounts are: no volume may be mounted there. */
  private static final String CAPSTAN = "/capstan";

  private static final List<String> SOURCES =
      List.of("persistentVolumeClaim", "emptyDir", "hostPath", "secret", "configMap");
  private static final Pattern FIELD_REF =
      Pattern.compile(
          "metadata\\.(name|namespace|uid)|metadata\\.(labels|annotations)\\['[^']+'\\]"
              + "|spec\\.(nodeName|serviceAccountName)|status\\.(podIP|podIPs|hostIP|hostIPs)");
  private static final Set<String> RESOURCES =
      Set.of("limits.cpu", "limits.memory", "requests.cpu", "requests.memory");

  private PodTemplateDetails() {}

  /**
   * The details of a pod template.
   *
   * @param metadata the template's {@code metadata}, or null
   * @param podSpec what holds the {@code volumes} (a pod template's {@code spec}), or null
   * @param container the container that runs
   */
  static PodDetails read(SpecMap metadata, SpecMap podSpec, SpecMap container) {
    return read(metadata, podSpec, container, container);
  }

  /**
   * The details of a pod template whose volume mounts are in {@code mounts} (a TrainJob's override
   * of its {@code node} container, whose env also adds to the container's), or none when it is
   * null.
   */
  static PodDetails read(SpecMap metadata, SpecMap podSpec, SpecMap container, SpecMap mounts) {
    List<PodVolume> volumes = podSpec == null ? List.of() : volumes(podSpec);
    return new PodDetails(
        workingDir(container),
        volumes,
        mounts == null ? List.of() : mounts(mounts, volumes),
        mounts == null || mounts == container ? valueFrom(container) : valueFrom(container, mounts),
        envFrom(container),
        metadata == null ? Map.of() : strings(metadata, "labels"),
        metadata == null ? Map.of() : strings(metadata, "annotations"));
  }

  private static String workingDir(SpecMap container) {
    String dir = container.optionalString("workingDir");
    if (dir == null || dir.isEmpty()) {
      return null;
    }
    checkAbsolute(dir, container.pathOf("workingDir"), true);
    return dir;
  }

  private static List<PodVolume> volumes(SpecMap podSpec) {
    List<PodVolume> volumes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (SpecMap volume : podSpec.optionalMapList("volumes")) {
      String name = volume.requiredString("name");
      if (!DNS_LABEL.matcher(name).matches()) {
        throw volume
            .pathOf("name")
            .invalid(
                "Expected "
                    + volume.pathOf("name")
                    + " to be a DNS label (lowercase letters, digits and '-', at most 63), but was"
                    + " '"
                    + name
                    + "'");
      }
      if (!names.add(name)) {
        throw volume
            .pathOf("name")
            .invalid(
                "Expected volume names to be unique, but '"
                    + name
                    + "' repeats at "
                    + volume.pathOf("name"));
      }
      volumes.add(volume(volume, name));
    }
    return volumes;
  }

  private static PodVolume volume(SpecMap volume, String name) {
    List<String> sources =
        volume.values().keySet().stream().filter(key -> !key.equals("name")).toList();
    if (sources.size() != 1 || !SOURCES.contains(sources.get(0))) {
      String found = sources.isEmpty() ? "none" : String.join(", ", sources);
      throw (sources.isEmpty() ? volume.path() : volume.pathOf(sources.get(0)))
          .invalid(
              "Expected volume '"
                  + name
                  + "' ("
                  + volume.path()
                  + ") to have one source of "
                  + SOURCES
                  + " (what Capstan provides on one machine), but found "
                  + found);
    }
    String source = sources.get(0);
    SpecMap body =
        volume.get(source) == null
            ? SpecMap.of(Map.of(), volume.pathOf(source))
            : volume.requiredMap(source);
    return switch (source) {
      case "persistentVolumeClaim" -> {
        body.rejectUnknownKeys(List.of("claimName", "readOnly"));
        String claim = body.requiredString("claimName");
        if (!DNS_SUBDOMAIN.matcher(claim).matches() || claim.length() > 253) {
          throw body.pathOf("claimName")
              .invalid(
                  "Expected "
                      + body.pathOf("claimName")
                      + " to be a claim name (lowercase letters, digits, '-' and '.'), but was '"
                      + claim
                      + "'");
        }
        yield new PodVolume(
            name, new PodVolume.Claim(claim, flag(body, "readOnly")), null, null, null, null);
      }
      case "emptyDir" -> {
        body.rejectUnknownKeys(List.of("medium", "sizeLimit"));
        String medium = body.optionalString("medium");
        if (medium != null && !medium.isEmpty() && !medium.equals("Memory")) {
          throw body.pathOf("medium")
              .invalid(
                  "Expected "
                      + body.pathOf("medium")
                      + " to be empty (disk) or 'Memory' (a tmpfs), but was '"
                      + medium
                      + "'");
        }
        Long size = null;
        if (body.has("sizeLimit")) {
          size = ResourceQuantities.memoryBytes(body, "sizeLimit");
        }
        yield new PodVolume(
            name, null, new PodVolume.EmptyDir("Memory".equals(medium), size), null, null, null);
      }
      case "hostPath" -> {
        body.rejectUnknownKeys(List.of("path", "type"));
        String path = body.requiredString("path");
        checkAbsolute(path, body.pathOf("path"), false);
        String type =
            body.optionalOneOf(
                "type",
                List.of("", "Directory", "DirectoryOrCreate", "File"),
                " (the types Capstan checks)");
        yield new PodVolume(
            name, null, null, new PodVolume.HostPath(path, type == null ? "" : type), null, null);
      }
      case "secret" -> {
        body.rejectUnknownKeys(List.of("secretName", "items", "optional", "defaultMode"));
        yield new PodVolume(name, null, null, null, keys(body, "secretName"), null);
      }
      default -> {
        body.rejectUnknownKeys(List.of("name", "items", "optional", "defaultMode"));
        yield new PodVolume(name, null, null, null, null, keys(body, "name"));
      }
    };
  }

  private static PodVolume.Keys keys(SpecMap body, String nameKey) {
    String name = body.requiredString(nameKey);
    checkObjectName(name, body.pathOf(nameKey));
    List<PodVolume.KeyPath> items = new ArrayList<>();
    for (SpecMap item : body.optionalMapList("items")) {
      item.rejectUnknownKeys(List.of("key", "path", "mode"));
      String key = item.requiredString("key");
      checkKey(key, item.pathOf("key"));
      String path = item.requiredString("path");
      checkRelative(path, item.pathOf("path"));
      items.add(new PodVolume.KeyPath(key, path));
    }
    Long mode = body.optionalLong("defaultMode", 0, 0777);
    return new PodVolume.Keys(
        name, items, flag(body, "optional"), mode == null ? null : mode.intValue());
  }

  private static List<VolumeMount> mounts(SpecMap container, List<PodVolume> volumes) {
    Set<String> names = new HashSet<>();
    volumes.forEach(volume -> names.add(volume.name()));
    List<VolumeMount> mounts = new ArrayList<>();
    Set<String> paths = new HashSet<>();
    for (SpecMap mount : container.optionalMapList("volumeMounts")) {
      mount.rejectUnknownKeys(List.of("name", "mountPath", "subPath", "readOnly"));
      String name = mount.requiredString("name");
      if (!names.contains(name)) {
        throw mount
            .pathOf("name")
            .invalid(
                "Expected "
                    + mount.pathOf("name")
                    + " to name a volume of the pod "
                    + names.stream().sorted().toList()
                    + ", but was '"
                    + name
                    + "'");
      }
      String path = mount.requiredString("mountPath");
      checkAbsolute(path, mount.pathOf("mountPath"), true);
      if (path.equals(CAPSTAN) || path.startsWith(CAPSTAN + "/")) {
        throw mount
            .pathOf("mountPath")
            .invalid(
                "Expected "
                    + mount.pathOf("mountPath")
                    + " to be outside "
                    + CAPSTAN
                    + ", where Capstan mounts a job's checkpoints and outputs, but was '"
                    + path
                    + "'");
      }
      if (!paths.add(path)) {
        throw mount
            .pathOf("mountPath")
            .invalid(
                "Expected one volume mount per path, but '"
                    + path
                    + "' is mounted again at "
                    + mount.pathOf("mountPath"));
      }
      String subPath = mount.optionalString("subPath");
      if (subPath != null && subPath.isEmpty()) {
        subPath = null;
      }
      if (subPath != null) {
        checkRelative(subPath, mount.pathOf("subPath"));
      }
      mounts.add(new VolumeMount(name, path, subPath, flag(mount, "readOnly")));
    }
    return mounts;
  }

  /** The {@code valueFrom} variables of {@code containers}' env, a later container's winning. */
  private static Map<String, EnvValueFrom> valueFrom(SpecMap... containers) {
    Map<String, EnvValueFrom> result = new LinkedHashMap<>();
    for (SpecMap container : containers) {
      if (container.get("env") instanceof List) {
        valueFrom(container, result);
      }
    }
    return result;
  }

  private static void valueFrom(SpecMap container, Map<String, EnvValueFrom> result) {
    for (SpecMap entry : container.optionalMapList("env")) {
      String name = entry.optionalString("name");
      if (name == null) {
        continue; // EnvVars names the missing name
      }
      result.remove(name);
      if (entry.has("valueFrom")) {
        result.put(name, source(entry.requiredMap("valueFrom")));
      }
    }
  }

  private static EnvValueFrom source(SpecMap valueFrom) {
    List<String> kinds = List.of("fieldRef", "resourceFieldRef", "secretKeyRef", "configMapKeyRef");
    valueFrom.rejectUnknownKeys(kinds);
    if (valueFrom.values().size() != 1) {
      throw valueFrom
          .path()
          .invalid(
              "Expected "
                  + valueFrom.path()
                  + " to have exactly one of "
                  + kinds
                  + ", but found "
                  + valueFrom.values().keySet());
    }
    String kind = valueFrom.values().keySet().iterator().next();
    SpecMap body = valueFrom.requiredMap(kind);
    return switch (kind) {
      case "fieldRef" -> {
        body.rejectUnknownKeys(List.of("fieldPath", "apiVersion"));
        String field = body.requiredString("fieldPath");
        if (!FIELD_REF.matcher(field).matches()) {
          throw body.pathOf("fieldPath")
              .invalid(
                  "Expected "
                      + body.pathOf("fieldPath")
                      + " to be one of metadata.name, metadata.namespace, metadata.uid,"
                      + " metadata.labels['KEY'], metadata.annotations['KEY'], spec.nodeName,"
                      + " spec.serviceAccountName, status.podIP, status.hostIP, but was '"
                      + field
                      + "'");
        }
        yield new EnvValueFrom(field, null, null, null);
      }
      case "resourceFieldRef" -> {
        body.rejectUnknownKeys(List.of("resource", "divisor", "containerName"));
        String resource = body.requiredString("resource");
        if (!RESOURCES.contains(resource)) {
          throw body.pathOf("resource")
              .invalid(
                  "Expected "
                      + body.pathOf("resource")
                      + " to be one of "
                      + RESOURCES.stream().sorted().toList()
                      + ", but was '"
                      + resource
                      + "'");
        }
        String divisor = body.optionalScalarAsString("divisor");
        if (divisor != null) {
          checkDivisor(resource, divisor, body.pathOf("divisor"));
        }
        yield new EnvValueFrom(null, new EnvValueFrom.ResourceRef(resource, divisor), null, null);
      }
      default -> {
        body.rejectUnknownKeys(List.of("name", "key", "optional"));
        String name = body.requiredString("name");
        checkObjectName(name, body.pathOf("name"));
        String key = body.requiredString("key");
        checkKey(key, body.pathOf("key"));
        EnvValueFrom.KeyRef ref = new EnvValueFrom.KeyRef(name, key, flag(body, "optional"));
        yield kind.equals("secretKeyRef")
            ? new EnvValueFrom(null, null, ref, null)
            : new EnvValueFrom(null, null, null, ref);
      }
    };
  }

  private static void checkDivisor(String resource, String divisor, FieldPath field) {
    try {
      long amount =
          resource.endsWith("cpu") ? Quantities.parseCpu(divisor) : Quantities.parseMemory(divisor);
      if (amount <= 0) {
        throw new IllegalArgumentException("Expected a positive quantity");
      }
    } catch (IllegalArgumentException e) {
      throw field.invalid(
          "Expected "
              + field
              + " to be a positive quantity such as 1, 1m or 1Mi, but was '"
              + divisor
              + "'",
          e);
    }
  }

  private static List<EnvFromSource> envFrom(SpecMap container) {
    List<EnvFromSource> sources = new ArrayList<>();
    for (SpecMap entry : container.optionalMapList("envFrom")) {
      entry.rejectUnknownKeys(List.of("prefix", "secretRef", "configMapRef"));
      boolean secret = entry.has("secretRef");
      if (secret == entry.has("configMapRef")) {
        throw entry
            .path()
            .invalid("Expected " + entry.path() + " to have one of secretRef and configMapRef");
      }
      SpecMap ref = entry.requiredMap(secret ? "secretRef" : "configMapRef");
      ref.rejectUnknownKeys(List.of("name", "optional"));
      String name = ref.requiredString("name");
      checkObjectName(name, ref.pathOf("name"));
      sources.add(
          new EnvFromSource(entry.optionalString("prefix"), secret, name, flag(ref, "optional")));
    }
    return sources;
  }

  private static Map<String, String> strings(SpecMap metadata, String key) {
    SpecMap map = metadata.optionalMap(key);
    if (map == null) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (String name : map.values().keySet()) {
      String value = map.optionalScalarAsString(name);
      result.put(name, value == null ? "" : value);
    }
    return result;
  }

  private static boolean flag(SpecMap map, String key) {
    Boolean value = map.optionalBoolean(key);
    return value != null && value;
  }

  private static void checkObjectName(String name, FieldPath field) {
    if (!DNS_SUBDOMAIN.matcher(name).matches() || name.length() > 253) {
      throw field.invalid(
          "Expected "
              + field
              + " to be an object name (lowercase letters, digits, '-' and '.'), but was '"
              + name
              + "'");
    }
  }

  private static void checkKey(String key, FieldPath field) {
    if (!KEY.matcher(key).matches() || key.equals(".") || key.equals("..")) {
      throw field.invalid(
          "Expected "
              + field
              + " to be a key of letters, digits, '-', '_' and '.', but was '"
              + key
              + "'");
    }
  }

  /** An absolute, normalized path; {@code /} itself only where {@code notRoot} is false. */
  private static void checkAbsolute(String path, FieldPath field, boolean notRoot) {
    boolean normalized =
        path.startsWith("/")
            && !path.contains("//")
            && (path.length() == 1 || !path.endsWith("/"))
            && List.of(path.split("/")).stream().noneMatch(s -> s.equals(".") || s.equals(".."));
    if (!normalized || (notRoot && path.equals("/"))) {
      throw field.invalid(
          "Expected "
              + field
              + " to be an absolute, normalized path"
              + (notRoot ? " other than '/'" : "")
              + ", but was '"
              + path
              + "'");
    }
  }

  private static void checkRelative(String path, FieldPath field) {
    boolean ok =
        !path.isEmpty()
            && !path.startsWith("/")
            && !path.endsWith("/")
            && !path.contains("//")
            && List.of(path.split("/")).stream().noneMatch(s -> s.equals(".") || s.equals(".."));
    if (!ok) {
      throw field.invalid(
          "Expected "
              + field
              + " to be a relative path without '..' (inside the volume), but was '"
              + path
              + "'");
    }
  }
}
