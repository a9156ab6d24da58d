package io.capstan.server.artifact;

/** An artifact held more bytes than the store was allowed to take; nothing was stored. */
public final class ArtifactTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long maxBytes;

  public ArtifactTooLargeException(String key, long maxBytes) {
    super("Artifact " + key + " is larger than the limit of " + maxBytes + " bytes");
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }
}
