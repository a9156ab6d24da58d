package io.capstan.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A lean HTTP/1.1 client on one keep-alive connection: POSTs a prepared body and reads the answer
 * by its Content-Length. Lean so that the benchmark measures servers, not a client library.
 */
final class KeepAliveHttp {
  private final String host;
  private final int port;
  private final byte[] request;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  KeepAliveHttp(String host, int port, String path, byte[] body) {
    this(host, port, path, body, "");
  }

  /**
   * @param headers extra header lines, each ending in CRLF (e.g. an Authorization header)
   */
  KeepAliveHttp(String host, int port, String path, byte[] body, String headers) {
    this.host = host;
    this.port = port;
    byte[] head =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: "
                + host
                + "\r\n"
                + headers
                + "Content-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);
  }

  /** Sends the request and returns the response body; a status other than 200 is an error. */
  byte[] post() throws IOException {
    if (socket == null) {
      socket = new Socket(host, port);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }
    out.write(request);
    out.flush();
    String status = line();
    int length = -1;
    boolean close = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).trim();
      if (name.equalsIgnoreCase("content-length")) {
        length = Integer.parseInt(header.substring(colon + 1).trim());
      } else if (name.equalsIgnoreCase("connection")) {
        close = header.substring(colon + 1).trim().equalsIgnoreCase("close");
      }
    }
    byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
    if (close || length < 0) {
      socket.close();
      socket = null;
    }
    if (!status.contains(" 200 ")) {
      throw new IOException(status + ": " + new String(body, StandardCharsets.UTF_8));
    }
    return body;
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
