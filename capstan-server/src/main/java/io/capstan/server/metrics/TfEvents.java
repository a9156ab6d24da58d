package io.capstan.server.metrics;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads TensorBoard event files (decision 112) without TensorFlow's generated classes: TFRecords
 * ({@code uint64 length}, {@code uint32} masked CRC-32C of the length, the data, {@code uint32}
 * masked CRC-32C of the data; little-endian), each a {@code tensorflow.Event} read with protobuf's
 * {@link CodedInputStream}. A scalar is a summary value's {@code simple_value} (TF1, PyTorch's
 * {@code SummaryWriter}), or its {@code tensor} with one number in it (TF2's {@code
 * tf.summary.scalar}); its tag is the metric's name, the event's {@code step} its step and {@code
 * wall_time} when it was measured. Histograms, images, text and graphs are passed over.
 */
final class TfEvents {
  /** A record longer than this is taken for a broken file, not allocated. */
  static final long MAX_RECORD = 64L << 20;

  private static final int HEADER = 12;
  private static final int FOOTER = 4;
  private static final int MASK_DELTA = 0xa282ead8;

  // tensorflow.Event
  private static final int EVENT_WALL_TIME = 1;
  private static final int EVENT_STEP = 2;
  private static final int EVENT_SUMMARY = 5;
  // tensorflow.Summary and Summary.Value
  private static final int SUMMARY_VALUE = 1;
  private static final int VALUE_TAG = 1;
  private static final int VALUE_SIMPLE_VALUE = 2;
  private static final int VALUE_TENSOR = 8;
  private static final int VALUE_METADATA = 9;
  // tensorflow.SummaryMetadata and its PluginData
  private static final int METADATA_PLUGIN_DATA = 1;
  private static final int PLUGIN_NAME = 1;
  // tensorflow.TensorProto
  private static final int TENSOR_DTYPE = 1;
  private static final int TENSOR_SHAPE = 2;
  private static final int TENSOR_CONTENT = 4;
  private static final int TENSOR_FLOAT_VAL = 5;
  private static final int TENSOR_DOUBLE_VAL = 6;
  private static final int TENSOR_INT_VAL = 7;
  private static final int TENSOR_INT64_VAL = 10;
  private static final int SHAPE_DIM = 2;
  private static final int DIM_SIZE = 1;
  // tensorflow.DataType
  private static final int DT_FLOAT = 1;
  private static final int DT_DOUBLE = 2;
  private static final int DT_INT32 = 3;
  private static final int DT_INT64 = 9;

  /** One scalar of an event. */
  record Scalar(String tag, long step, double value, long wallTimeMillis) {}

  /**
   * What {@link #read} read.
   *
   * @param consumed how many bytes were read: up to the end of the last whole record, or all of
   *     them when the rest cannot be read (see {@code broken})
   * @param skipped records passed over: a data checksum that does not match, an event that is not a
   *     valid protocol buffer, a record cut off at the end of a final file
   * @param broken a length's checksum did not match: where the next record starts is unknown, so
   *     nothing after it can be read
   */
  record Parsed(List<Scalar> scalars, int consumed, int skipped, boolean broken) {
    Parsed {
      scalars = List.copyOf(scalars);
    }
  }

  private TfEvents() {}

  /**
   * Reads the whole records of {@code bytes}; with {@code last} (the file is final) a record cut
   * off at the end is counted as skipped and consumed, otherwise it waits for the rest.
   */
  static Parsed read(byte[] bytes, boolean last) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Scalar> scalars = new ArrayList<>();
    int skipped = 0;
    int at = 0;
    while (bytes.length - at >= HEADER) {
      long length = buffer.getLong(at);
      if (masked(bytes, at, 8) != buffer.getInt(at + 8) || length < 0 || length > MAX_RECORD) {
        return new Parsed(scalars, bytes.length, skipped + 1, true);
      }
      long end = at + HEADER + length + FOOTER;
      if (end > bytes.length) {
        break;
      }
      int data = at + HEADER;
      if (masked(bytes, data, (int) length) != buffer.getInt(data + (int) length)) {
        skipped++;
      } else {
        try {
          event(CodedInputStream.newInstance(bytes, data, (int) length), scalars);
        } catch (IOException | RuntimeException e) {
          skipped++;
        }
      }
      at = (int) end;
    }
    if (last && at < bytes.length) {
      return new Parsed(scalars, bytes.length, skipped + 1, false);
    }
    return new Parsed(scalars, at, skipped, false);
  }

  /**
   * How many bytes a reader must have to read the record at the start of {@code header} (its 12
   * header bytes) whole, or -1 when the header is broken.
   */
  static long recordSize(byte[] header) {
    if (header.length < HEADER) {
      return HEADER;
    }
    ByteBuffer buffer = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    long length = buffer.getLong(0);
    if (masked(header, 0, 8) != buffer.getInt(8) || length < 0 || length > MAX_RECORD) {
      return -1;
    }
    return HEADER + length + FOOTER;
  }

  /** TFRecord's masked CRC-32C of {@code length} bytes of {@code bytes} from {@code offset}. */
  static int masked(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + MASK_DELTA;
  }

  private static void event(CodedInputStream in, List<Scalar> scalars) throws IOException {
    double wallTime = 0;
    long step = 0;
    List<byte[]> summaries = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case EVENT_WALL_TIME -> wallTime = in.readDouble();
        case EVENT_STEP -> step = in.readInt64();
        case EVENT_SUMMARY -> summaries.add(in.readByteArray());
        default -> in.skipField(tag);
      }
    }
    for (byte[] summary : summaries) {
      CodedInputStream values = CodedInputStream.newInstance(summary);
      for (int tag = values.readTag(); tag != 0; tag = values.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == SUMMARY_VALUE) {
          value(values.readByteArray(), step, Math.round(wallTime * 1000), scalars);
        } else {
          values.skipField(tag);
        }
      }
    }
  }

  private static void value(byte[] bytes, long step, long wallTimeMillis, List<Scalar> scalars)
      throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String name = null;
    Double simple = null;
    byte[] tensor = null;
    String plugin = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case VALUE_TAG -> name = in.readStringRequireUtf8();
        case VALUE_SIMPLE_VALUE -> simple = (double) in.readFloat();
        case VALUE_TENSOR -> tensor = in.readByteArray();
        case VALUE_METADATA -> plugin = plugin(in.readByteArray());
        default -> in.skipField(tag);
      }
    }
    Double value = simple;
    if (value == null && tensor != null && (plugin == null || plugin.equals("scalars"))) {
      value = tensorScalar(tensor);
    }
    if (name != null
        && value != null
        && Double.isFinite(value)
        && !name.isEmpty()
        && name.length() <= MetricLine.MAX_NAME) {
      scalars.add(new Scalar(name, step, value, wallTimeMillis));
    }
  }

  private static String plugin(byte[] metadata) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(metadata);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == METADATA_PLUGIN_DATA) {
        CodedInputStream data = CodedInputStream.newInstance(in.readByteArray());
        for (int t = data.readTag(); t != 0; t = data.readTag()) {
          if (WireFormat.getTagFieldNumber(t) == PLUGIN_NAME) {
            return data.readStringRequireUtf8();
          }
          data.skipField(t);
        }
        return "";
      }
      in.skipField(tag);
    }
    return null;
  }

  /** The one number of a tensor with one element, else null. */
  private static Double tensorScalar(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    int dtype = 0;
    long elements = 1;
    byte[] content = null;
    List<Double> listed = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
      switch (field) {
        case TENSOR_DTYPE -> dtype = in.readEnum();
        case TENSOR_SHAPE -> elements = elements(in.readByteArray());
        case TENSOR_CONTENT -> content = in.readByteArray();
        case TENSOR_FLOAT_VAL, TENSOR_DOUBLE_VAL, TENSOR_INT_VAL, TENSOR_INT64_VAL -> {
          if (packed) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
              listed.add(number(in, field));
            }
            in.popLimit(limit);
          } else {
            listed.add(number(in, field));
          }
        }
        default -> in.skipField(tag);
      }
    }
    if (elements != 1) {
      return null;
    }
    if (content != null) {
      ByteBuffer raw = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
      return switch (dtype) {
        case DT_FLOAT -> content.length == 4 ? (double) raw.getFloat() : null;
        case DT_DOUBLE -> content.length == 8 ? raw.getDouble() : null;
        case DT_INT32 -> content.length == 4 ? (double) raw.getInt() : null;
        case DT_INT64 -> content.length == 8 ? (double) raw.getLong() : null;
        default -> null;
      };
    }
    return listed.size() == 1 ? listed.get(0) : null;
  }

  private static double number(CodedInputStream in, int field) throws IOException {
    return switch (field) {
      case TENSOR_FLOAT_VAL -> in.readFloat();
      case TENSOR_DOUBLE_VAL -> in.readDouble();
      case TENSOR_INT_VAL -> in.readInt32();
      default -> in.readInt64();
    };
  }

  /** The number of elements of a {@code TensorShapeProto}: 1 for a scalar (no dimensions). */
  private static long elements(byte[] shape) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(shape);
    long elements = 1;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == SHAPE_DIM) {
        CodedInputStream dim = CodedInputStream.newInstance(in.readByteArray());
        long size = 0;
        for (int t = dim.readTag(); t != 0; t = dim.readTag()) {
          if (WireFormat.getTagFieldNumber(t) == DIM_SIZE) {
            size = dim.readInt64();
          } else {
            dim.skipField(t);
          }
        }
        elements *= size;
      } else {
        in.skipField(tag);
      }
    }
    return elements;
  }
}
