package io.capstan.api.notebook;

import java.time.Instant;

/**
 * A one-time browser login to a notebook ({@code POST .../notebooks/{name}/login}): opening {@code
 * url} once, before {@code expiresAt}, starts a browser session of the caller and lands in Jupyter.
 *
 * @param url the link, absolute on the control plane the request reached
 * @param path the same link without scheme and host
 */
public record NotebookLogin(String url, String path, Instant expiresAt) {
  @Override
  public String toString() {
    return "NotebookLogin[url=***, expiresAt=" + expiresAt + "]";
  }
}
