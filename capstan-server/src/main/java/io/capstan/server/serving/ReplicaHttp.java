package io.capstan.server.serving;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The gateway's HTTP/1.1 client to serving replicas: keep-alive connections pooled per replica,
 * used on the calling thread. A general client (java.net.http) hands every request to its own
 * threads, which costs more than the inference of a small model; replicas are our own model servers
 * on the same network, so this client needs only what they send: a status line, headers and a body
 * by Content-Length (or chunked).
 *
 * <p>A pooled connection idle for longer than {@link #IDLE_TIMEOUT} is closed by the next request
 * to any replica after it expired (at most one sweep every half timeout), so the connections to
 * replicas that are gone (scaled down, rolled out, killed) do not stay open.
 */
final class ReplicaHttp {
  private static final int MAX_IDLE_PER_REPLICA = 64;
  private static final int MAX_HEADER_LINE = 8192;
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;
  private final Map<String, Deque<Connection>> idle = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;
  private final AtomicLong nextSweep;

  ReplicaHttp(Duration connectTimeout, Duration readTimeout) {
    this(connectTimeout, readTimeout, System::nanoTime);
  }

  ReplicaHttp(Duration connectTimeout, Duration readTimeout, LongSupplier nanoTime) {
    this.connectTimeoutMillis = (int) connectTimeout.toMillis();
    this.readTimeoutMillis = (int) readTimeout.toMillis();
    this.nanoTime = nanoTime;
    this.nextSweep = new AtomicLong(nanoTime.getAsLong() + IDLE_TIMEOUT.toNanos() / 2);
  }

  /**
   * An answer from a replica.
   *
   * @param status the HTTP status
   * @param contentType its Content-Type, or null
   * @param body the body
   */
  record Answer(int status, String contentType, byte[] body) {}

  /**
   * Sends one request. A pooled connection the replica had closed meanwhile is replaced once,
   * transparently; any other failure is an {@link IOException} for the caller to retry elsewhere.
   *
   * @param base the replica, e.g. {@code http://127.0.0.1:41234}
   * @param method GET or POST
   * @param target the path and query
   * @param headers extra header lines, each ending in CRLF
   * @param body the body (empty for GET)
   */
  Answer exchange(URI base, String method, String target, String headers, byte[] body)
      throws IOException {
    sweepIfDue();
    String key = base.getHost() + ":" + base.getPort();
    Deque<Connection> pool = idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
    Connection pooled = pool.pollFirst();
    if (pooled != null) {
      try {
        return finish(pooled, pool, method, target, headers, body);
      } catch (StaleConnection e) {
        pooled.close();
      }
    }
    Connection fresh = open(base.getHost(), base.getPort());
    try {
      return finish(fresh, pool, method, target, headers, body);
    } catch (StaleConnection e) {
      throw new IOException("the replica closed the connection before answering", e);
    }
  }

  private Answer finish(
      Connection connection,
      Deque<Connection> pool,
      String method,
      String target,
      String headers,
      byte[] body)
      throws IOException {
    boolean keep = false;
    try {
      Answer answer = connection.send(method, target, headers, body);
      keep = connection.reusable;
      return answer;
    } finally {
      if (keep && pool.size() < MAX_IDLE_PER_REPLICA) {
        connection.idleSince = nanoTime.getAsLong();
        pool.offerFirst(connection);
      } else {
        connection.close();
      }
    }
  }

  /** Pooled connections, all replicas together (for tests). */
  int idleConnections() {
    return idle.values().stream().mapToInt(Deque::size).sum();
  }

  /** Closes the connections idle for longer than the timeout; one caller sweeps at a time. */
  private void sweepIfDue() {
    long now = nanoTime.getAsLong();
    long due = nextSweep.get();
    if (now - due < 0 || !nextSweep.compareAndSet(due, now + IDLE_TIMEOUT.toNanos() / 2)) {
      return;
    }
    long expired = now - IDLE_TIMEOUT.toNanos();
    // Empty pools stay: a request may be returning a connection to one right now.
    idle.forEach(
        (key, pool) -> {
          // Connections are taken and returned at the head, so the longest idle are at the tail.
          for (Connection last = pool.peekLast();
              last != null && last.idleSince - expired < 0;
              last = pool.peekLast()) {
            if (pool.removeLastOccurrence(last)) {
              last.close();
            }
          }
        });
  }

  private Connection open(String host, int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(readTimeoutMillis);
      return new Connection(socket, host + ":" + port);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** The request could not have reached the replica: the pooled connection was already closed. */
  private static final class StaleConnection extends IOException {
    StaleConnection(Throwable cause) {
      super(cause);
    }
  }

  private static final class Connection {
    private final Socket socket;
    private final String authority;
    private final OutputStream out;
    private final InputStream in;
    private boolean reusable;
    private volatile long idleSince;

    Connection(Socket socket, String authority) throws IOException {
      this.socket = socket;
      this.authority = authority;
      this.out = socket.getOutputStream();
      this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    Answer send(String method, String target, String headers, byte[] body) throws IOException {
      reusable = false;
      StringBuilder head = new StringBuilder(256);
      head.append(method)
          .append(' ')
          .append(target)
          .append(" HTTP/1.1\r\nHost: ")
          .append(authority)
          .append("\r\n");
      head.append(headers);
      if (!method.equals("GET")) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      int first;
      try {
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!method.equals("GET")) {
          out.write(body);
        }
        out.flush();
        first = in.read();
      } catch (IOException e) {
        throw new StaleConnection(e);
      }
      if (first < 0) {
        throw new StaleConnection(new IOException("connection closed"));
      }
      String status = line(first);
      int space = status.indexOf(' ');
      if (!status.startsWith("HTTP/1.") || space < 0 || status.length() < space + 4) {
        throw new IOException(
            "Expected an HTTP/1.1 status line from the replica, but got '" + status + "'");
      }
      int code = Integer.parseInt(status.substring(space + 1, space + 4));
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      String contentType = null;
      for (String header = line(in.read()); !header.isEmpty(); header = line(in.read())) {
        int colon = header.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = header.substring(0, colon).trim();
        String value = header.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("content-length")) {
          length = Long.parseLong(value);
        } else if (name.equalsIgnoreCase("transfer-encoding")) {
          chunked = value.equalsIgnoreCase("chunked");
        } else if (name.equalsIgnoreCase("connection")) {
          close = value.equalsIgnoreCase("close");
        } else if (name.equalsIgnoreCase("content-type")) {
          contentType = value;
        }
      }
      byte[] answer;
      if (chunked) {
        answer = chunks();
      } else if (length >= 0) {
        answer = in.readNBytes((int) length);
        if (answer.length < length) {
          throw new IOException("the replica closed the connection in the middle of its answer");
        }
      } else {
        answer = in.readAllBytes();
        close = true;
      }
      reusable = !close;
      return new Answer(code, contentType, answer);
    }

    private byte[] chunks() throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String size = line(in.read());
        int semicolon = size.indexOf(';');
        int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        if (n == 0) {
          while (!line(in.read()).isEmpty()) {
            // trailers
          }
          return body.toByteArray();
        }
        byte[] chunk = in.readNBytes(n);
        if (chunk.length < n) {
          throw new IOException("the replica closed the connection in the middle of a chunk");
        }
        body.write(chunk);
        line(in.read());
      }
    }

    /** One header line, starting with the byte already read. */
    private String line(int first) throws IOException {
      StringBuilder line = new StringBuilder();
      int c = first;
      while (c != '\n') {
        if (c < 0) {
          throw new IOException("the replica closed the connection in the middle of its answer");
        }
        if (c != '\r') {
          line.append((char) c);
        }
        if (line.length() > MAX_HEADER_LINE) {
          throw new IOException("the replica sent a header line longer than " + MAX_HEADER_LINE);
        }
        c = in.read();
      }
      return line.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
