package io.capstan.runtime;

import java.util.List;
import java.util.Map;

/**
 * Kubernetes' {@code $(VAR)} expansion of a container's command and arguments: {@code $(NAME)}
 * becomes the value of {@code NAME}, {@code $$} becomes {@code $} (so {@code $$(NAME)} stays the
 * literal {@code $(NAME)}), and a reference to an unknown variable or an unclosed {@code $(} is
 * left as written. Runtimes expand with the launch's environment plus the {@code CAPSTAN_PORT_*}
 * variables they add, so a command can say {@code --http-port $(CAPSTAN_PORT_HTTP)}.
 */
public final class EnvExpansion {
  private EnvExpansion() {}

  /** Every word of {@code command}, expanded. */
  public static List<String> expand(List<String> command, Map<String, String> variables) {
    return command.stream().map(word -> expand(word, variables)).toList();
  }

  /**
   * One word, expanded (the algorithm of Kubernetes' {@code third_party/forked/golang/expansion}).
   */
  public static String expand(String input, Map<String, String> variables) {
    StringBuilder out = new StringBuilder(input.length());
    int checkpoint = 0;
    for (int cursor = 0; cursor < input.length(); cursor++) {
      if (input.charAt(cursor) != '$' || cursor + 1 >= input.length()) {
        continue;
      }
      out.append(input, checkpoint, cursor);
      char next = input.charAt(cursor + 1);
      int advance = 1;
      if (next == '$') {
        out.append('$');
      } else if (next == '(') {
        int close = input.indexOf(')', cursor + 2);
        if (close < 0) {
          out.append("$(");
        } else {
          String name = input.substring(cursor + 2, close);
          String value = variables.get(name);
          out.append(value != null ? value : "$(" + name + ")");
          advance = close - cursor;
        }
      } else {
        out.append('$').append(next);
      }
      cursor += advance;
      checkpoint = cursor + 1;
    }
    return out.append(input, checkpoint, input.length()).toString();
  }
}
