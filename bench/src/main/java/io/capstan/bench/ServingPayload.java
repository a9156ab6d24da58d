package io.capstan.bench;

import com.google.protobuf.ByteString;
import io.capstan.serving.grpc.v2.ModelInferRequest;
import io.capstan.serving.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One request's inputs for a model, as ONNX Runtime tensors, v2 JSON and a v2 gRPC request. */
record ServingPayload(String model, List<Tensor> inputs, List<String> outputs) {
  byte[] json() {
    StringBuilder json = new StringBuilder("{\"inputs\":[");
    for (int i = 0; i < inputs.size(); i++) {
      Tensor t = inputs.get(i);
      json.append(i == 0 ? "" : ",")
          .append("{\"name\":\"")
          .append(t.name())
          .append("\",\"shape\":")
          .append(java.util.Arrays.toString(t.shape()).replace(" ", ""))
          .append(",\"datatype\":\"")
          .append(t.datatype())
          .append("\",\"data\":[");
      for (int j = 0; j < t.elementCount(); j++) {
        json.append(j == 0 ? "" : ",").append(java.lang.reflect.Array.get(t.data(), j));
      }
      json.append("]}");
    }
    return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  ModelInferRequest grpc() {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model);
    for (Tensor t : inputs) {
      ModelInferRequest.InferInputTensor.Builder input =
          request.addInputsBuilder().setName(t.name()).setDatatype(t.datatype().name());
      for (long dim : t.shape()) {
        input.addShape(dim);
      }
      ByteBuffer raw =
          ByteBuffer.allocate(t.elementCount() * t.datatype().byteSize())
              .order(ByteOrder.LITTLE_ENDIAN);
      switch (t.datatype()) {
        case FP32 -> raw.asFloatBuffer().put((float[]) t.data());
        case INT32 -> raw.asIntBuffer().put((int[]) t.data());
        default -> throw new IllegalArgumentException("the bench sends FP32 and INT32 only");
      }
      request.addRawInputContents(ByteString.copyFrom(raw.array()));
    }
    return request.build();
  }
}
