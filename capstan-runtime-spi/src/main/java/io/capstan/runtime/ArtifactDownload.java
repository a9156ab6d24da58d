package io.capstan.runtime;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a machine without the store's credentials fetches an artifact itself (a Kubernetes pod's
 * storage initializer, decision 119): one URL per file, each readable by a plain GET until it
 * expires. Written for the downloader as {@link #text()}, one line per file, {@code
 * SHA256<TAB>SIZE<TAB>PATH<TAB>URL} ({@code -} for an unknown SHA-256 or size), and read back with
 * {@link #parse}. The URLs are capabilities: never log them or this record's text.
 *
 * @param folder whether the artifact is a folder of files (a dataset version) rather than one file
 *     (a model); a file's one entry has the file's own name as its path
 * @param files every file, by path relative to the artifact
 */
public record ArtifactDownload(boolean folder, List<File> files) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public ArtifactDownload {
    files = List.copyOf(requireNonNull(files, "files is null"));
    if (!folder && files.size() != 1) {
      throw new IllegalArgumentException(
          "Expected one file in the download of a file artifact, but there are " + files.size());
    }
    Set<String> paths = new HashSet<>();
    for (File file : files) {
      if (!paths.add(file.path())) {
        throw new IllegalArgumentException(
            "Expected each path once in a download, but '" + file.path() + "' is there twice");
      }
    }
  }

  /**
   * One file to fetch.
   *
   * @param path where it goes, relative to the artifact's folder (no {@code ..})
   * @param url an {@code http(s)} URL that reads it without other credentials
   * @param sizeBytes its size, or -1 when unknown
   * @param sha256 its SHA-256 in lowercase hex, or null when unknown
   */
  public record File(String path, URI url, long sizeBytes, String sha256) {
    public File {
      requireNonNull(path, "path is null");
      requireNonNull(url, "url is null");
      VolumePaths.check(path, "a downloaded file's path");
      if (path.contains("\t") || path.contains("\n")) {
        throw new IllegalArgumentException(
            "Expected a downloaded file's path without tabs or line breaks, but was '"
                + path
                + "'");
      }
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
        // The URL's query is a signature: only its scheme and host are named.
        throw new IllegalArgumentException(
            "Expected an http(s) URL for '" + path + "', but its scheme is " + url.getScheme());
      }
      if (sizeBytes < -1) {
        throw new IllegalArgumentException(
            "Expected the size of '" + path + "' to be -1 (unknown) or more, but was " + sizeBytes);
      }
      if (sha256 != null && !SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException(
            "Expected the SHA-256 of '"
                + path
                + "' as 64 lowercase hex digits, but was '"
                + sha256
                + "'");
      }
    }

    /** The URL without its query (the signature): what a message may name. */
    public String place() {
      return url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath();
    }

    @Override
    public String toString() {
      return "File[" + path + ", " + place() + ", " + sizeBytes + " bytes, sha256 " + sha256 + "]";
    }
  }

  /** The text the downloader reads: a first line {@code folder} or {@code file}, then the files. */
  public String text() {
    StringBuilder text = new StringBuilder(folder ? "folder\n" : "file\n");
    for (File file : files) {
      text.append(file.sha256() == null ? "-" : file.sha256())
          .append('\t')
          .append(file.sizeBytes() < 0 ? "-" : Long.toString(file.sizeBytes()))
          .append('\t')
          .append(file.path())
          .append('\t')
          .append(file.url())
          .append('\n');
    }
    return text.toString();
  }

  /**
   * Reads {@link #text()} back.
   *
   * @throws IllegalArgumentException naming the line that is not as written
   */
  public static ArtifactDownload parse(String text) {
    String[] lines = text.split("\n");
    if (lines.length == 0 || !(lines[0].equals("folder") || lines[0].equals("file"))) {
      throw new IllegalArgumentException(
          "Expected a download list to start with a line 'folder' or 'file', but it starts with '"
              + (lines.length == 0 ? "" : lines[0])
              + "'");
    }
    List<File> files = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      String[] parts = lines[i].split("\t", 4);
      if (parts.length != 4) {
        throw new IllegalArgumentException(
            "Expected line "
                + (i + 1)
                + " of a download list to be SHA256<TAB>SIZE<TAB>PATH<TAB>URL, but it has "
                + parts.length
                + " fields");
      }
      try {
        files.add(
            new File(
                parts[2],
                URI.create(parts[3]),
                parts[1].equals("-") ? -1 : Long.parseLong(parts[1]),
                parts[0].equals("-") ? null : parts[0]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Expected line " + (i + 1) + " of a download list to be valid: " + e.getMessage(), e);
      }
    }
    return new ArtifactDownload(lines[0].equals("folder"), files);
  }

  @Override
  public String toString() {
    return "ArtifactDownload[" + (folder ? "folder" : "file") + ", " + files.size() + " files]";
  }
}
