package io.capstan.serving.grpc;

import com.google.protobuf.Parser;
import io.grpc.MethodDescriptor;
import io.netty.util.AsciiString;
import java.util.function.BiConsumer;

/**
 * One unary method of {@code inference.GRPCInferenceService} as both frontends serve it.
 *
 * @param descriptor the generated descriptor: full name and grpc-java's marshallers
 * @param parser the request's protobuf parser, for the frontend that parses itself
 * @param gated the frontend admits the call through the drain gate before calling {@code
 *     implementation}, which exits the gate once it has answered
 */
record UnaryMethod<Q, R>(
    MethodDescriptor<Q, R> descriptor,
    Parser<Q> parser,
    boolean gated,
    BiConsumer<Q, UnaryReply<R>> implementation) {
  /** The HTTP/2 {@code :path} of the method, e.g. {@code /inference.GRPCInferenceService/X}. */
  AsciiString path() {
    return AsciiString.of("/" + descriptor.getFullMethodName());
  }

  String bareName() {
    return descriptor.getBareMethodName();
  }
}
