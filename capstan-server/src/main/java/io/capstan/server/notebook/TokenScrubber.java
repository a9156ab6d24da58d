package io.capstan.server.notebook;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Passes a response body through with every occurrence of a secret removed, across the boundaries
 * of writes: Jupyter writes the token that authenticated a request into the pages it serves ({@code
 * data-jupyter-api-token}, links with {@code ?token=}), and the proxy's requests are authenticated
 * by the notebook's token, which must never reach a browser. Holds back at most the secret's length
 * less one byte until the next write or {@link #close()}.
 */
final class TokenScrubber extends OutputStream {
  private final OutputStream out;
  private final byte[] secret;
  private byte[] held = new byte[0];

  TokenScrubber(OutputStream out, String secret) {
    this.out = out;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    if (this.secret.length == 0) {
      throw new IllegalArgumentException("Expected a secret to remove, but it was empty");
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    byte[] data = new byte[held.length + length];
    System.arraycopy(held, 0, data, 0, held.length);
    System.arraycopy(bytes, offset, data, held.length, length);
    int start = 0;
    int i = 0;
    while (i <= data.length - secret.length) {
      if (matches(data, i)) {
        out.write(data, start, i - start);
        i += secret.length;
        start = i;
      } else {
        i++;
      }
    }
    int holdFrom = Math.max(start, data.length - secret.length + 1);
    out.write(data, start, holdFrom - start);
    held = Arrays.copyOfRange(data, holdFrom, data.length);
  }

  private boolean matches(byte[] data, int at) {
    for (int k = 0; k < secret.length; k++) {
      if (data[at + k] != secret[k]) {
        return false;
      }
    }
    return true;
  }

  /** Writes what was held back (it cannot be the secret any more) and flushes. */
  void finish() throws IOException {
    out.write(held);
    held = new byte[0];
    out.flush();
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    finish();
    out.close();
  }
}
