package io.capstan.server.metrics;

/**
 * A TensorBoard event writer in Python's standard library (CRC-32C, TFRecord framing, the protocol
 * buffers of {@code tensorflow.Event} by hand), for tests: Debian's PyTorch lacks the {@code
 * tensorboard} package its {@code SummaryWriter} needs. {@code write_events.py FILE}, or imported:
 * {@code EventWriter(path).scalar(tag, step, value)}.
 */
public final class PythonEventWriter {
  /** The writer, to begin a script with: {@code EventWriter(path).scalar(tag, step, value)}. */
  public static final String LIBRARY =
      """
      import struct, sys, time

      def _table():
          table = []
          for n in range(256):
              c = n
              for _ in range(8):
                  c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
              table.append(c)
          return table

      _TABLE = _table()

      def crc32c(data):
          c = 0xFFFFFFFF
          for b in data:
              c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
          return c ^ 0xFFFFFFFF

      def masked(data):
          c = crc32c(data)
          return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF

      def varint(n):
          out = bytearray()
          while True:
              b = n & 0x7F
              n >>= 7
              if n:
                  out.append(b | 0x80)
              else:
                  out.append(b)
                  return bytes(out)

      def key(field, wire):
          return varint(field << 3 | wire)

      def delimited(field, data):
          return key(field, 2) + varint(len(data)) + data

      class EventWriter:
          def __init__(self, path):
              self.file = open(path, "ab")
              self.event(key(3, 2) + varint(13) + b"brain.Event:2", 0)

          def record(self, data):
              header = struct.pack("<Q", len(data))
              self.file.write(header + struct.pack("<I", masked(header)))
              self.file.write(data + struct.pack("<I", masked(data)))
              self.file.flush()

          def event(self, fields, step):
              body = key(1, 1) + struct.pack("<d", time.time()) + key(2, 0) + varint(step)
              self.record(body + fields)

          def scalar(self, tag, step, value):
              tag = tag.encode("utf-8")
              value = delimited(1, tag) + key(2, 5) + struct.pack("<f", value)
              self.event(delimited(5, delimited(1, value)), step)

          def close(self):
              self.file.close()
      """;

  /** {@code write_events.py FILE}: three {@code train/loss} values and one {@code accuracy}. */
  static final String SCRIPT =
      LIBRARY
          + """
      if __name__ == "__main__":
          writer = EventWriter(sys.argv[1])
          for step, loss in enumerate([1.0, 0.5, 0.25]):
              writer.scalar("train/loss", step, loss)
          writer.scalar("accuracy", 2, 0.875)
          writer.close()
      """;

  private PythonEventWriter() {}
}
