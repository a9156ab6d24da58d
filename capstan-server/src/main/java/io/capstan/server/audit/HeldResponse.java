package io.capstan.server.audit;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * An audited call's response with its flushes held back, so that the client has the whole answer
 * only after its audit event is stored: a caller who reads the log right after a call finds it
 * there. The container still sends what outgrows its buffer, but ends the response only when the
 * request completes. Used for state-changing calls only, whose answers are small; never for a
 * stream.
 */
final class HeldResponse extends HttpServletResponseWrapper {
  private ServletOutputStream stream;
  private PrintWriter writer;

  HeldResponse(HttpServletResponse response) {
    super(response);
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (stream == null) {
      stream = new Unflushed(super.getOutputStream());
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      writer =
          new PrintWriter(super.getWriter()) {
            @Override
            public void flush() {}

            @Override
            public void close() {}
          };
    }
    return writer;
  }

  @Override
  public void flushBuffer() {}

  private static final class Unflushed extends ServletOutputStream {
    private final ServletOutputStream out;

    Unflushed(ServletOutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    @Override
    public boolean isReady() {
      return out.isReady();
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      out.setWriteListener(listener);
    }
  }
}
