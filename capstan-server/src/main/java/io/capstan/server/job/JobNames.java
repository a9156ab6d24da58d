package io.capstan.server.job;

import java.util.Map;

/**
 * Shows jobs by name in the scheduler's texts. The scheduler names workloads by uid, and only
 * within their own queue (project), so a name never crosses projects.
 */
final class JobNames {
  private static final String JOB = "job ";

  private JobNames() {}

  /** {@code reason} with each {@code job <uid>} of a live job replaced by {@code job 'name'}. */
  static String inReason(String reason, Map<String, JobRecord> byUid) {
    StringBuilder text = new StringBuilder();
    int from = 0;
    for (int at = reason.indexOf(JOB); at >= 0; at = reason.indexOf(JOB, from)) {
      int start = at + JOB.length();
      int end = start;
      while (end < reason.length() && !Character.isWhitespace(reason.charAt(end))) {
        end++;
      }
      JobRecord job = byUid.get(reason.substring(start, end));
      text.append(reason, from, start)
          .append(job == null ? reason.substring(start, end) : "'" + job.name() + "'");
      from = end;
    }
    return text.append(reason.substring(from)).toString();
  }
}
