package io.capstan.tuning.experiment;

import java.util.regex.Pattern;

/**
 * Go's regular expressions (RE2), in which Katib's metric filters are written, read by Java: RE2
 * takes a brace that does not start a repetition ({@code {metricName: ...}}) literally, Java
 * refuses it, so such braces are escaped.
 */
final class GoRegex {
  private static final Pattern REPETITION = Pattern.compile("\\{\\d+(,\\d*)?}");

  private GoRegex() {}

  static String toJava(String go) {
    StringBuilder java = new StringBuilder();
    int i = 0;
    while (i < go.length()) {
      char c = go.charAt(i);
      if (c == '\\' && i + 1 < go.length()) {
        java.append(c).append(go.charAt(i + 1));
        i += 2;
        continue;
      }
      if (c == '{') {
        int end = go.indexOf('}', i);
        if (end > 0 && REPETITION.matcher(go.substring(i, end + 1)).matches()) {
          java.append(go, i, end + 1);
          i = end + 1;
          continue;
        }
        java.append("\\{");
      } else if (c == '}') {
        java.append("\\}");
      } else {
        java.append(c);
      }
      i++;
    }
    return java.toString();
  }
}
