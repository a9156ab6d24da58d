package io.capstan.runtime.local;

import io.capstan.runtime.RuntimeSettings;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The local runtime's settings ({@code capstan.runtime.local.*}); an absent one takes the default
 * stated here, and a bad value stops start-up with a message naming the property.
 *
 * @param gpus {@code auto} (ask {@code nvidia-smi}), {@code none}, or device indices like {@code
 *     0,1,3} (default {@code auto})
 * @param cgroups whether CPU, memory and pids limits are enforced with cgroups where the host
 *     allows ({@code auto}, the default) or never ({@code off})
 * @param python the interpreter of {@code python} commands: {@code auto} (the default: {@code
 *     /usr/bin/python3} when it imports torch) or a path or command name
 * @param cpuMillis the CPU capacity admission may hand out, in millicores; 0 (the default) for all
 *     of this host's cores
 * @param memoryBytes the memory capacity admission may hand out; 0 (the default) for all of this
 *     host's memory
 * @param sandbox how replicas are isolated: bubblewrap (the default) or none (only where every job
 *     is trusted)
 * @param pidsMax the most processes and threads of one replica, 0 for no limit (default 8192)
 * @param firstUid the first user id handed to projects when the server runs as root (default
 *     1,000,000,000)
 * @param uidCount how many user ids that range holds (default 1,000,000)
 */
public record LocalRuntimeSettings(
    String gpus,
    CgroupMode cgroups,
    String python,
    Long cpuMillis,
    Long memoryBytes,
    SandboxMode sandbox,
    Long pidsMax,
    Integer firstUid,
    Integer uidCount) {
  static final String PREFIX = "capstan.runtime.local.";

  public LocalRuntimeSettings {
    gpus = gpus == null ? LocalRuntimeConfig.AUTO : gpus.trim();
    cgroups = cgroups == null ? CgroupMode.AUTO : cgroups;
    python = python == null ? LocalRuntimeConfig.AUTO : python.trim();
    cpuMillis = cpuMillis == null ? 0 : cpuMillis;
    memoryBytes = memoryBytes == null ? 0 : memoryBytes;
    sandbox = sandbox == null ? SandboxMode.BUBBLEWRAP : sandbox;
    pidsMax = pidsMax == null ? SandboxConfig.DEFAULT_PIDS_MAX : pidsMax;
    firstUid = firstUid == null ? SandboxConfig.DEFAULT_FIRST_UID : firstUid;
    uidCount = uidCount == null ? SandboxConfig.DEFAULT_UID_COUNT : uidCount;
    try {
      LocalRuntimeConfig.parseGpus(gpus);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Expected "
              + PREFIX
              + "gpus to be 'auto', 'none' or distinct device indices like '0,1', but was '"
              + gpus
              + "'",
          e);
    }
    require(!python.isBlank(), "python", "'auto' or a command", "blank");
    require(cpuMillis >= 0, "cpu-millis", "0 (all cores) or positive", cpuMillis);
    require(memoryBytes >= 0, "memory-bytes", "0 (all memory) or positive", memoryBytes);
    require(pidsMax >= 0, "pids-max", "0 (no limit) or positive", pidsMax);
    require(firstUid >= 1000, "first-uid", "at least 1000", firstUid);
    require(
        uidCount >= 1 && (long) firstUid + uidCount <= Integer.MAX_VALUE,
        "uid-count",
        "between 1 and " + (Integer.MAX_VALUE - (long) firstUid),
        uidCount);
  }

  /** The defaults: every setting absent. */
  public static LocalRuntimeSettings defaults() {
    return new LocalRuntimeSettings(null, null, null, null, null, null, null, null, null);
  }

  /** Reads and checks the settings under {@code capstan.runtime.local.}. */
  public static LocalRuntimeSettings from(RuntimeSettings settings) {
    if (!settings.prefix().equals(PREFIX)) {
      throw new IllegalArgumentException(
          "Expected the local runtime's settings under '"
              + PREFIX
              + "', but they were under '"
              + settings.prefix()
              + "'");
    }
    return new LocalRuntimeSettings(
        settings.get("gpus").orElse(null),
        choice(settings, "cgroups", CgroupMode.class, "'auto' or 'off'").orElse(null),
        settings.get("python").orElse(null),
        number(settings, "cpu-millis", Long::valueOf).orElse(null),
        number(settings, "memory-bytes", Long::valueOf).orElse(null),
        choice(settings, "sandbox", SandboxMode.class, "'bubblewrap' or 'none'").orElse(null),
        number(settings, "pids-max", Long::valueOf).orElse(null),
        number(settings, "first-uid", Integer::valueOf).orElse(null),
        number(settings, "uid-count", Integer::valueOf).orElse(null));
  }

  private static <E extends Enum<E>> Optional<E> choice(
      RuntimeSettings settings, String name, Class<E> type, String expected) {
    return settings
        .get(name)
        .map(
            value -> {
              try {
                return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                    "Expected "
                        + PREFIX
                        + name
                        + " to be "
                        + expected
                        + ", but was '"
                        + value
                        + "'",
                    e);
              }
            });
  }

  private static <N extends Number> Optional<N> number(
      RuntimeSettings settings, String name, Function<String, N> parse) {
    return settings
        .get(name)
        .map(
            value -> {
              try {
                return parse.apply(value);
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                    "Expected " + PREFIX + name + " to be a whole number, but was '" + value + "'",
                    e);
              }
            });
  }

  private static void require(boolean valid, String name, String expected, Object actual) {
    if (!valid) {
      throw new IllegalArgumentException(
          "Expected " + PREFIX + name + " to be " + expected + ", but was " + actual);
    }
  }
}
