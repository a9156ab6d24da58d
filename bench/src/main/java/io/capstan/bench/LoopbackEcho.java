package io.capstan.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;

/**
 * The floor of any server on loopback: a thread per connection that sends back every byte it reads,
 * and a client that sends a request's bytes and reads as many back. What a row of the serving
 * benchmark costs above this row is the server's own work plus the model; below it, no server on
 * this machine can go.
 */
final class LoopbackEcho implements AutoCloseable {
  private final ServerSocket listener;

  LoopbackEcho() throws IOException {
    listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        socket.setTcpNoDelay(true);
        Thread echo = new Thread(() -> echo(socket), "echo");
        echo.setDaemon(true);
        echo.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void echo(Socket socket) {
    byte[] buffer = new byte[64 * 1024];
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  /** A client on its own connection that sends {@code request} and reads it back. */
  Callable<Void> client(byte[] request) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    socket.setTcpNoDelay(true);
    OutputStream out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    byte[] back = new byte[request.length];
    return () -> {
      out.write(request);
      int read = 0;
      while (read < back.length) {
        int n = in.read(back, read, back.length - read);
        if (n < 0) {
          throw new IOException("the echo server closed the connection");
        }
        read += n;
      }
      return null;
    };
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
