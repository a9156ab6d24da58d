package io.capstan.serving.grpc;

import io.grpc.MethodDescriptor;
import java.io.InputStream;

/**
 * A request as grpc-java's protobuf marshaller parsed it, or why it could not: the service answers
 * a parse failure with INVALID_ARGUMENT (a marshaller that throws makes grpc-java answer UNKNOWN).
 */
record Parsed<Q>(Q message, RuntimeException error) {
  /**
   * Wraps {@code parser}, which reads straight from the transport's buffers (one copy at most),
   * where passing the bytes through as an array and parsing them later cost two more.
   */
  static <Q> MethodDescriptor.Marshaller<Parsed<Q>> marshaller(
      MethodDescriptor.Marshaller<Q> parser) {
    return new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(Parsed<Q> value) {
        return parser.stream(value.message());
      }

      @Override
      public Parsed<Q> parse(InputStream stream) {
        try {
          return new Parsed<>(parser.parse(stream), null);
        } catch (RuntimeException e) {
          return new Parsed<>(null, e);
        }
      }
    };
  }
}
