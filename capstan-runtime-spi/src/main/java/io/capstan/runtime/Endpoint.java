package io.capstan.runtime;

/** Where a replica can be reached by its peers: a host name or address and a port. */
public record Endpoint(String host, int port) {
  @Override
  public String toString() {
    return host + ":" + port;
  }
}
