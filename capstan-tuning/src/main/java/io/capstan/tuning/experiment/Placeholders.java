package io.capstan.tuning.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${trialParameters.<name>}} placeholders of a trial template: finding them with the
 * field path of each, and replacing them in every string (keys and values) of the document tree, as
 * Katib's text replacement of the serialized template does.
 */
final class Placeholders {
  static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{trialParameters\\.(.+?)}");

  private Placeholders() {}

  /** A placeholder's name and the path of the string it appears in. */
  record Use(String name, String path) {}

  static List<Use> find(Object tree, String path) {
    List<Use> uses = new ArrayList<>();
    collect(tree, path, uses);
    return uses;
  }

  private static void collect(Object tree, String path, List<Use> uses) {
    if (tree instanceof Map<?, ?> map) {
      map.forEach(
          (key, value) -> {
            String child = SpecNode.child(path, String.valueOf(key));
            scan(String.valueOf(key), child, uses);
            collect(value, child, uses);
          });
    } else if (tree instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collect(list.get(i), path + "[" + i + "]", uses);
      }
    } else if (tree instanceof String text) {
      scan(text, path, uses);
    }
  }

  private static void scan(String text, String path, List<Use> uses) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    while (matcher.find()) {
      uses.add(new Use(matcher.group(1), path));
    }
  }

  /** A copy of {@code tree} with {@code replace} applied to every string, keys included. */
  static Object replaceStrings(Object tree, UnaryOperator<String> replace) {
    if (tree instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach(
          (key, value) ->
              copy.put(replace.apply(String.valueOf(key)), replaceStrings(value, replace)));
      return copy;
    }
    if (tree instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(replaceStrings(item, replace)));
      return copy;
    }
    if (tree instanceof String text) {
      return replace.apply(text);
    }
    return tree;
  }

  /** {@code text} with each placeholder whose name is in {@code values} replaced by its value. */
  static String substitute(String text, Map<String, String> values) {
    Matcher matcher = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      matcher.appendReplacement(
          out, Matcher.quoteReplacement(value == null ? matcher.group() : value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
