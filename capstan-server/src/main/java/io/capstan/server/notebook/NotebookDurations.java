package io.capstan.server.notebook;

import java.time.Duration;

/** Cull times in the words a user reads: {@code 1h}, {@code 90s}, {@code 2m30s}. */
final class NotebookDurations {
  private NotebookDurations() {}

  static String format(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds == 0) {
      return duration.toMillis() + "ms";
    }
    StringBuilder text = new StringBuilder();
    long hours = seconds / 3600;
    long minutes = seconds % 3600 / 60;
    long rest = seconds % 60;
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (rest > 0) {
      text.append(rest).append('s');
    }
    return text.toString();
  }
}
