package io.capstan.runtime.local;

import io.capstan.runtime.Node;
import java.util.ArrayList;
import java.util.List;

/** The host's GPUs: configured by index, or detected with {@code nvidia-smi}. */
final class GpuInventory {
  static final String UNSPECIFIED_MODEL = "unspecified";

  private GpuInventory() {}

  /** GPUs with the configured indices; their model is not known. */
  static List<Node.Gpu> configured(List<Integer> indices) {
    return indices.stream().map(index -> new Node.Gpu(index, UNSPECIFIED_MODEL, 0)).toList();
  }

  /** The GPUs {@code smi} reports, or none when it is absent or fails. */
  static List<Node.Gpu> detect(NvidiaSmi smi) {
    return smi.query("gpu", "index,name,memory.total").map(GpuInventory::parse).orElse(List.of());
  }

  /** Parses lines like {@code 0, NVIDIA H100 80GB HBM3, 81559} (memory in MiB). */
  static List<Node.Gpu> parse(String output) {
    List<Node.Gpu> gpus = new ArrayList<>();
    for (String line : output.lines().map(String::trim).filter(l -> !l.isEmpty()).toList()) {
      String[] fields = line.split(",");
      if (fields.length < 3) {
        throw new IllegalStateException(
            "Expected nvidia-smi lines of 'index, name, memory.total', but found '" + line + "'");
      }
      String memory = fields[fields.length - 1].trim();
      String name = String.join(",", List.of(fields).subList(1, fields.length - 1)).trim();
      long memoryBytes = memory.matches("\\d+") ? Long.parseLong(memory) * 1024 * 1024 : 0;
      gpus.add(new Node.Gpu(Integer.parseInt(fields[0].trim()), name, memoryBytes));
    }
    return List.copyOf(gpus);
  }
}
