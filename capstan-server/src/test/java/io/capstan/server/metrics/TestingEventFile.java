package io.capstan.server.metrics;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes TensorBoard event files as TensorFlow does (TFRecords of {@code tensorflow.Event}), with
 * protobuf's {@link CodedOutputStream}: {@code new TestingEventFile().version().scalar("loss", 1,
 * 0.5f).bytes()}.
 */
final class TestingEventFile {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private double wallTime = 1_700_000_000.25;

  /** The first record of every event file: {@code file_version: "brain.Event:2"}. */
  TestingEventFile version() {
    return record(event(step(0), field(3, ByteString.copyFromUtf8("brain.Event:2"))));
  }

  /** A TF1 / PyTorch scalar: {@code summary.value[0].simple_value}. */
  TestingEventFile scalar(String tag, long step, float value) {
    byte[] summaryValue =
        message(
            out -> {
              out.writeString(1, tag);
              out.writeFloat(2, value);
            });
    return record(event(step(step), summary(summaryValue)));
  }

  /** A TF2 scalar: a float tensor without dimensions, of the {@code scalars} plugin. */
  TestingEventFile tensorScalar(String tag, long step, float value, boolean packedContent) {
    byte[] tensor =
        message(
            out -> {
              out.writeEnum(1, 1); // DT_FLOAT
              out.writeBytes(2, ByteString.EMPTY); // shape: no dimensions
              if (packedContent) {
                byte[] raw =
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value).array();
                out.writeBytes(4, ByteString.copyFrom(raw));
              } else {
                out.writeFloat(5, value);
              }
            });
    byte[] plugin = message(out -> out.writeString(1, "scalars"));
    byte[] metadata = message(out -> out.writeByteArray(1, plugin));
    byte[] summaryValue =
        message(
            out -> {
              out.writeString(1, tag);
              out.writeByteArray(9, metadata);
              out.writeByteArray(8, tensor);
            });
    return record(event(step(step), summary(summaryValue)));
  }

  /** A tensor of two numbers (a histogram's shape): not a scalar. */
  TestingEventFile vector(String tag, long step) {
    byte[] dim = message(out -> out.writeInt64(1, 2));
    byte[] shape = message(out -> out.writeByteArray(2, dim));
    byte[] tensor =
        message(
            out -> {
              out.writeEnum(1, 1);
              out.writeByteArray(2, shape);
              out.writeFloat(5, 1f);
              out.writeFloat(5, 2f);
            });
    byte[] summaryValue =
        message(
            out -> {
              out.writeString(1, tag);
              out.writeByteArray(8, tensor);
            });
    return record(event(step(step), summary(summaryValue)));
  }

  /** A record of {@code size} data bytes that is no event (as big as an image). */
  TestingEventFile big(int size) {
    return record(new byte[size]);
  }

  /** One record around {@code data}, framed and checksummed as TFRecord frames it. */
  TestingEventFile record(byte[] data) {
    ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(data.length);
    header.putInt(TfEvents.masked(header.array(), 0, 8));
    out.writeBytes(header.array());
    out.writeBytes(data);
    out.writeBytes(
        ByteBuffer.allocate(4)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putInt(TfEvents.masked(data, 0, data.length))
            .array());
    return this;
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  private static Fields step(long step) {
    return out -> out.writeInt64(2, step);
  }

  private static Fields field(int number, ByteString value) {
    return out -> out.writeBytes(number, value);
  }

  private static Fields summary(byte[] summaryValue) {
    byte[] summary = message(out -> out.writeByteArray(1, summaryValue));
    return out -> out.writeByteArray(5, summary);
  }

  private byte[] event(Fields... fields) {
    double time = wallTime;
    wallTime += 1;
    return message(
        out -> {
          out.writeDouble(1, time);
          for (Fields f : fields) {
            f.write(out);
          }
        });
  }

  private static byte[] message(Fields fields) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      fields.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
