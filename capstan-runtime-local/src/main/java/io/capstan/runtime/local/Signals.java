package io.capstan.runtime.local;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Sends signals to process groups and processes, and names signals in plain words. */
final class Signals {
  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(1, "SIGHUP"),
          Map.entry(2, "SIGINT"),
          Map.entry(3, "SIGQUIT"),
          Map.entry(4, "SIGILL"),
          Map.entry(5, "SIGTRAP"),
          Map.entry(6, "SIGABRT"),
          Map.entry(7, "SIGBUS"),
          Map.entry(8, "SIGFPE"),
          Map.entry(9, "SIGKILL"),
          Map.entry(10, "SIGUSR1"),
          Map.entry(11, "SIGSEGV"),
          Map.entry(12, "SIGUSR2"),
          Map.entry(13, "SIGPIPE"),
          Map.entry(14, "SIGALRM"),
          Map.entry(15, "SIGTERM"),
          Map.entry(24, "SIGXCPU"),
          Map.entry(25, "SIGXFSZ"));

  private Signals() {}

  /**
   * Sends {@code signal} (TERM, KILL) to every process of group {@code pgid}. Uses the shell's
   * {@code kill}, since the JDK cannot signal a process group.
   *
   * @return whether the group existed
   */
  static boolean signalGroup(long pgid, String signal) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("Expected a process group id above 1, but was " + pgid);
    }
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                "/bin/sh",
                "-c",
                "kill -s \"$0\" -- \"-$1\" 2>/dev/null",
                signal,
                Long.toString(pgid)));
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      Process kill = builder.start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException(
            "Expected kill -" + signal + " -" + pgid + " to finish within 10 s, but it did not");
      }
      return kill.exitValue() == 0;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run kill -" + signal + " -" + pgid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running kill -" + signal + " -" + pgid, e);
    }
  }

  /** Sends SIGTERM ({@code forcibly} false) or SIGKILL to one process, if it exists. */
  static void signalProcess(long pid, boolean forcibly) {
    ProcessHandle.of(pid)
        .ifPresent(
            handle -> {
              if (forcibly) {
                handle.destroyForcibly();
              } else {
                handle.destroy();
              }
            });
  }

  /** "exited with code 3", or "killed by signal 9 (SIGKILL)" for codes 129 to 192. */
  static String describeExit(int exitCode) {
    if (exitCode > 128 && exitCode <= 128 + 64) {
      int signal = exitCode - 128;
      String name = NAMES.get(signal);
      return "killed by signal " + signal + (name == null ? "" : " (" + name + ")");
    }
    if (exitCode == 126) {
      return "exited with code 126 (command not executable)";
    }
    if (exitCode == 127) {
      return "exited with code 127 (command not found)";
    }
    return "exited with code " + exitCode;
  }
}
