package io.capstan.serving.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.capstan.serving.ServingException;
import io.capstan.serving.grpc.v2.InferTensorContents;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import io.capstan.serving.grpc.v2.ModelInferResponse;
import io.capstan.serving.model.DataType;
import io.capstan.serving.model.InferenceRequest;
import io.capstan.serving.model.RawTensors;
import io.capstan.serving.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts v2 gRPC tensors to and from {@link Tensor}: typed {@code contents} or {@code
 * raw_input_contents} (flat, row-major, little-endian) in, the same form out.
 */
final class ProtoTensors {
  private ProtoTensors() {}

  static InferenceRequest request(ModelInferRequest request) {
    int raw = request.getRawInputContentsCount();
    if (raw > 0 && raw != request.getInputsCount()) {
      throw ServingException.badRequest(
          "expected raw_input_contents to hold one entry per input ("
              + request.getInputsCount()
              + "), but it holds "
              + raw);
    }
    if (request.getInputsCount() == 0) {
      throw ServingException.badRequest("expected 'inputs' to hold at least one input");
    }
    List<Tensor> inputs = new ArrayList<>(request.getInputsCount());
    for (int i = 0; i < request.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor input = request.getInputs(i);
      String name = input.getName();
      if (name.isEmpty()) {
        throw ServingException.badRequest("missing field 'inputs[" + i + "].name'");
      }
      DataType type = DataType.parse(input.getDatatype(), "inputs[" + i + "].datatype");
      long[] shape = input.getShapeList().stream().mapToLong(Long::longValue).toArray();
      int count = (int) Tensor.elementCount(shape, name);
      Object data;
      if (raw > 0) {
        if (input.hasContents()) {
          throw ServingException.badRequest(
              "input '" + name + "' has contents, but raw_input_contents is used");
        }
        data =
            RawTensors.decode(
                name,
                type,
                count,
                request.getRawInputContents(i).asReadOnlyByteBuffer(),
                "raw_input_contents");
      } else {
        data = fromContents(name, type, input.getContents());
      }
      inputs.add(new Tensor(name, type, shape, data));
    }
    List<String> outputs = new ArrayList<>();
    request.getOutputsList().forEach(output -> outputs.add(output.getName()));
    return new InferenceRequest(request.getId(), inputs, outputs);
  }

  private static Object fromContents(String name, DataType type, InferTensorContents c) {
    return switch (type) {
      case FP32 -> {
        float[] out = new float[c.getFp32ContentsCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = c.getFp32Contents(i);
        }
        yield out;
      }
      case FP64 -> {
        double[] out = new double[c.getFp64ContentsCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = c.getFp64Contents(i);
        }
        yield out;
      }
      case INT64 -> {
        long[] out = new long[c.getInt64ContentsCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = c.getInt64Contents(i);
        }
        yield out;
      }
      case INT32 -> {
        int[] out = new int[c.getIntContentsCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = c.getIntContents(i);
        }
        yield out;
      }
      case INT16 -> {
        short[] out = new short[c.getIntContentsCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] =
              (short) inRange(name, type, c.getIntContents(i), Short.MIN_VALUE, Short.MAX_VALUE);
        }
        yield out;
      }
      case INT8 -> {
        byte[] out = new byte[c.getIntContentsCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = (byte) inRange(name, type, c.getIntContents(i), Byte.MIN_VALUE, Byte.MAX_VALUE);
        }
        yield out;
      }
      case UINT8 -> {
        byte[] out = new byte[c.getUintContentsCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = (byte) inRange(name, type, Integer.toUnsignedLong(c.getUintContents(i)), 0, 255);
        }
        yield out;
      }
      case BOOL -> {
        byte[] out = new byte[c.getBoolContentsCount()];
        for (int i = 0; i < out.length; i++) {
          out[i] = (byte) (c.getBoolContents(i) ? 1 : 0);
        }
        yield out;
      }
    };
  }

  private static long inRange(String name, DataType type, long value, long min, long max) {
    if (value < min || value > max) {
      throw ServingException.badRequest(
          "input '" + name + "' holds " + value + ", which is out of range for " + type);
    }
    return value;
  }

  /** Adds the outputs to the response, as raw contents when the request used raw inputs. */
  static void outputs(ModelInferResponse.Builder response, List<Tensor> outputs, boolean raw) {
    for (Tensor output : outputs) {
      ModelInferResponse.InferOutputTensor.Builder tensor =
          response.addOutputsBuilder().setName(output.name()).setDatatype(output.datatype().name());
      for (long dim : output.shape()) {
        tensor.addShape(dim);
      }
      if (raw) {
        // A fresh array nothing else holds.
        response.addRawOutputContents(UnsafeByteOperations.unsafeWrap(RawTensors.encode(output)));
      } else {
        contents(tensor.getContentsBuilder(), output);
      }
    }
  }

  private static void contents(InferTensorContents.Builder c, Tensor tensor) {
    Object data = tensor.data();
    switch (tensor.datatype()) {
      case FP32 -> {
        for (float v : (float[]) data) {
          c.addFp32Contents(v);
        }
      }
      case FP64 -> {
        for (double v : (double[]) data) {
          c.addFp64Contents(v);
        }
      }
      case INT64 -> {
        for (long v : (long[]) data) {
          c.addInt64Contents(v);
        }
      }
      case INT32 -> {
        for (int v : (int[]) data) {
          c.addIntContents(v);
        }
      }
      case INT16 -> {
        for (short v : (short[]) data) {
          c.addIntContents(v);
        }
      }
      case INT8 -> {
        for (byte v : (byte[]) data) {
          c.addIntContents(v);
        }
      }
      case UINT8 -> {
        for (byte v : (byte[]) data) {
          c.addUintContents(v & 0xff);
        }
      }
      case BOOL -> {
        for (byte v : (byte[]) data) {
          c.addBoolContents(v != 0);
        }
      }
    }
  }
}
