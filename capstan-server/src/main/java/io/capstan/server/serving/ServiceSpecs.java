package io.capstan.server.serving;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.job.Quantities;
import io.capstan.api.job.Resources;
import io.capstan.api.queue.ResourceQuantities;
import io.capstan.api.serving.BatchingSpec;
import io.capstan.api.serving.CanarySpec;
import io.capstan.api.serving.ServiceSpec;
import io.capstan.api.serving.ServiceUpdate;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/** Checks service specs field by field and fills in the defaults. */
final class ServiceSpecs {
  static final int MAX_NAME = 40;
  static final int MAX_REPLICAS = 32;
  static final ResourceQuantities DEFAULT_RESOURCES = new ResourceQuantities("500m", "1Gi", "0");
  static final int DEFAULT_TARGET_IN_FLIGHT = 8;

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

  private ServiceSpecs() {}

  /** A create request checked and completed; throws INVALID_ARGUMENT naming the field. */
  static ServiceSpec complete(ServiceSpec spec) {
    if (spec == null) {
      throw invalid("", "Expected a service spec in the request body, but there was none");
    }
    String name = spec.name();
    if (name == null || name.isBlank()) {
      throw invalid("name", "Expected a service name, but there was none");
    }
    if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      throw invalid(
          "name",
          "Expected a name of lowercase letters, digits and '-', starting and ending with a letter"
              + " or digit, at most "
              + MAX_NAME
              + " characters, but was '"
              + name
              + "'");
    }
    String model = requireModel(spec.model(), "model");
    int min = spec.minReplicas() == null ? 1 : spec.minReplicas();
    int max = spec.maxReplicas() == null ? Math.max(min, 1) : spec.maxReplicas();
    checkReplicas(min, max);
    ResourceQuantities resources = resources(spec.resources());
    BatchingSpec batching = batching(spec.batching());
    CanarySpec canary = spec.canary() == null ? null : canary(spec.canary(), "canary");
    int target = targetInFlight(spec.targetInFlight());
    return new ServiceSpec(name, model, min, max, resources, batching, canary, target);
  }

  /** The spec after an update; absent fields keep their value. */
  static ServiceSpec apply(ServiceSpec current, ServiceUpdate update) {
    if (update == null) {
      throw invalid("", "Expected a service update in the request body, but there was none");
    }
    String model = update.model() == null ? current.model() : requireModel(update.model(), "model");
    int min = update.minReplicas() == null ? current.minReplicas() : update.minReplicas();
    int max =
        update.maxReplicas() == null ? Math.max(current.maxReplicas(), min) : update.maxReplicas();
    checkReplicas(min, max);
    ResourceQuantities resources =
        update.resources() == null ? current.resources() : resources(update.resources());
    BatchingSpec batching =
        update.batching() == null ? current.batching() : batching(update.batching());
    int target =
        update.targetInFlight() == null
            ? current.targetInFlight()
            : targetInFlight(update.targetInFlight());
    return new ServiceSpec(
        current.name(), model, min, max, resources, batching, current.canary(), target);
  }

  static CanarySpec canary(CanarySpec canary, String field) {
    String model = requireModel(canary.model(), field + ".model");
    Integer percent = canary.percent();
    if (percent == null || percent < 0 || percent > 100) {
      throw invalid(
          field + ".percent",
          "Expected a canary percent from 0 (deployed, no requests) to 100 (every request), but"
              + " was "
              + percent);
    }
    return new CanarySpec(model, percent);
  }

  /** The resources of one replica as the scheduler counts them. */
  static Resources replicaResources(ResourceQuantities quantities) {
    return new Resources(
        Quantities.parseCpu(quantities.cpu()),
        Quantities.parseMemory(quantities.memory()),
        Integer.parseInt(quantities.gpu()));
  }

  private static String requireModel(String model, String field) {
    if (model == null || model.isBlank()) {
      throw invalid(
          field,
          "Expected a model reference such as 'churn:3' or 'churn@production', but there was none");
    }
    return model.trim();
  }

  private static void checkReplicas(int min, int max) {
    if (min < 1 || min > MAX_REPLICAS) {
      throw invalid("minReplicas", "Expected 1 to " + MAX_REPLICAS + " replicas, but was " + min);
    }
    if (max < min || max > MAX_REPLICAS) {
      throw invalid(
          "maxReplicas",
          "Expected maxReplicas from minReplicas ("
              + min
              + ") to "
              + MAX_REPLICAS
              + ", but was "
              + max);
    }
  }

  private static ResourceQuantities resources(ResourceQuantities given) {
    if (given == null) {
      return DEFAULT_RESOURCES;
    }
    String cpu = given.cpu() == null ? DEFAULT_RESOURCES.cpu() : given.cpu();
    String memory = given.memory() == null ? DEFAULT_RESOURCES.memory() : given.memory();
    String gpu = given.gpu() == null ? DEFAULT_RESOURCES.gpu() : given.gpu();
    long cpuMillis = quantity("resources.cpu", cpu, Quantities::parseCpu);
    long memoryBytes = quantity("resources.memory", memory, Quantities::parseMemory);
    if (cpuMillis < 100) {
      throw invalid(
          "resources.cpu", "Expected at least 100m CPU per replica, but was '" + cpu + "'");
    }
    if (memoryBytes < 256L << 20) {
      throw invalid(
          "resources.memory",
          "Expected at least 256Mi memory per replica (a JVM and a model), but was '"
              + memory
              + "'");
    }
    int gpus;
    try {
      gpus = Integer.parseInt(gpu.trim());
    } catch (NumberFormatException e) {
      throw invalid(
          "resources.gpu", "Expected a whole number of GPUs per replica, but was '" + gpu + "'");
    }
    if (gpus < 0 || gpus > 8) {
      throw invalid("resources.gpu", "Expected 0 to 8 GPUs per replica, but was " + gpus);
    }
    return new ResourceQuantities(
        Quantities.formatCpu(cpuMillis),
        Quantities.formatMemory(memoryBytes),
        Integer.toString(gpus));
  }

  private static long quantity(String field, String text, ToLongFunction<String> parser) {
    try {
      long value = parser.applyAsLong(text);
      if (value < 0) {
        throw invalid(field, "Expected a non-negative quantity, but was '" + text + "'");
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw new CapstanException(ErrorCode.INVALID_ARGUMENT, field, e.getMessage(), e);
    }
  }

  private static BatchingSpec batching(BatchingSpec given) {
    if (given == null) {
      return new BatchingSpec(null, null);
    }
    if (given.maxBatchSize() != null && (given.maxBatchSize() < 1 || given.maxBatchSize() > 4096)) {
      throw invalid(
          "batching.maxBatchSize",
          "Expected a batch size from 1 (no batching) to 4096, but was " + given.maxBatchSize());
    }
    if (given.maxQueueDelayMicros() != null
        && (given.maxQueueDelayMicros() < 0 || given.maxQueueDelayMicros() > 1_000_000)) {
      throw invalid(
          "batching.maxQueueDelayMicros",
          "Expected a queue delay from 0 to 1000000 microseconds, but was "
              + given.maxQueueDelayMicros());
    }
    return given;
  }

  private static int targetInFlight(Integer given) {
    if (given == null) {
      return DEFAULT_TARGET_IN_FLIGHT;
    }
    if (given < 1 || given > 10_000) {
      throw invalid(
          "targetInFlight",
          "Expected a target of 1 to 10000 in-flight requests per replica, but was " + given);
    }
    return given;
  }

  static CapstanException invalid(String field, String message) {
    return new CapstanException(
        ErrorCode.INVALID_ARGUMENT, field.isEmpty() ? null : field, message);
  }
}
