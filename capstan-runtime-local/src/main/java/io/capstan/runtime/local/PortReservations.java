package io.capstan.runtime.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Free loopback ports, none handed out twice while it remembers it (the most recent {@code
 * capacity} ports), so that two jobs reserved one after the other never share a port.
 */
final class PortReservations {
  private static final int ATTEMPTS = 100;

  private final int capacity;
  private final Set<Integer> handedOut = new LinkedHashSet<>();

  PortReservations(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("Expected a positive capacity, but was " + capacity);
    }
    this.capacity = capacity;
  }

  synchronized int reserve() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = freePort();
      if (handedOut.add(port)) {
        if (handedOut.size() > capacity) {
          handedOut.remove(handedOut.iterator().next());
        }
        return port;
      }
    }
    throw new IllegalStateException(
        "Expected a free loopback port not handed out before, but found none in "
            + ATTEMPTS
            + " attempts");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot bind a free loopback port", e);
    }
  }
}
