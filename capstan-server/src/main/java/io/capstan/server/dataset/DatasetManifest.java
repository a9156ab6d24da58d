package io.capstan.server.dataset;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * What a dataset version holds: one entry per file, in path order, written as lines {@code
 * SHA256<TAB>SIZE<TAB>PATH}. The SHA-256 of that text is the version's checksum: two versions with
 * the same files (paths and contents) have the same checksum, whatever order they were uploaded in.
 */
record DatasetManifest(List<Entry> entries) {
  DatasetManifest {
    List<Entry> sorted = new ArrayList<>(requireNonNull(entries, "entries is null"));
    sorted.sort(Comparator.comparing(Entry::path));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).path().equals(sorted.get(i - 1).path())) {
        throw new IllegalArgumentException(
            "Expected each path once in a dataset version, but '"
                + sorted.get(i).path()
                + "' is there twice");
      }
    }
    entries = List.copyOf(sorted);
  }

  /**
   * One file.
   *
   * @param path relative, {@code /}-separated
   * @param sizeBytes its size
   * @param sha256 its SHA-256, lowercase hex
   */
  record Entry(String path, long sizeBytes, String sha256) {
    Entry {
      requireNonNull(path, "path is null");
      requireNonNull(sha256, "sha256 is null");
      if (path.contains("\t") || path.contains("\n")) {
        throw new IllegalArgumentException(
            "Expected a file path without tabs or line breaks, but was '" + path + "'");
      }
    }
  }

  long files() {
    return entries.size();
  }

  long sizeBytes() {
    return entries.stream().mapToLong(Entry::sizeBytes).sum();
  }

  /** The manifest as stored and served. */
  String text() {
    StringBuilder text = new StringBuilder();
    for (Entry entry : entries) {
      text.append(entry.sha256())
          .append('\t')
          .append(entry.sizeBytes())
          .append('\t')
          .append(entry.path())
          .append('\n');
    }
    return text.toString();
  }

  /** The version's checksum: the SHA-256 of {@link #text()}. */
  String sha256() {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text().getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }

  /** Reads a manifest's text back. */
  static DatasetManifest parse(String text) {
    List<Entry> entries = new ArrayList<>();
    int number = 0;
    for (String line : text.split("\n")) {
      number++;
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\t", 3);
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "Expected manifest line "
                + number
                + " to be SHA256<TAB>SIZE<TAB>PATH, but was '"
                + line
                + "'");
      }
      entries.add(new Entry(parts[2], Long.parseLong(parts[1]), parts[0]));
    }
    return new DatasetManifest(entries);
  }
}
