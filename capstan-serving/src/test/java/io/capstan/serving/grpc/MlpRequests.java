package io.capstan.serving.grpc;

import com.google.protobuf.ByteString;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** ModelInfer requests for the test MLP (input "input", FP32 [-1, 8]). */
public final class MlpRequests {
  private MlpRequests() {}

  /** A request for {@code version} ("" for the highest) with an input of {@code rows}. */
  public static ModelInferRequest.Builder request(String version, int rows) {
    return ModelInferRequest.newBuilder()
        .setModelName("mlp")
        .setModelVersion(version)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("input")
                .setDatatype("FP32")
                .addShape(rows)
                .addShape(8));
  }

  /** A request of {@code rows} rows of zeros in raw_input_contents. */
  public static ModelInferRequest zeros(String id, int rows) {
    return request("", rows).setId(id).addRawInputContents(raw(new float[rows * 8])).build();
  }

  /** Little-endian FP32 bytes, as raw_input_contents holds them. */
  static ByteString raw(float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      buf.putFloat(value);
    }
    return ByteString.copyFrom(buf.array());
  }
}
