/**
 * {@code capstan model-server}: one serving replica that loads ONNX model versions with ONNX
 * Runtime and answers the KServe v2 (Open Inference Protocol) over HTTP and gRPC, with dynamic
 * batching, Prometheus metrics and a graceful drain.
 *
 * <h2>Process contract (relied on by the InferenceService controller)</h2>
 *
 * <ul>
 *   <li>Jar: {@code capstan-serving/target/capstan-model-server.jar}, main class {@link
 *       io.capstan.serving.ModelServerMain}; {@code bin/capstan model-server ARGS...} runs it.
 *   <li>{@code --model NAME:VERSION=PATH} (repeatable; VERSION a positive integer; {@code
 *       NAME=PATH} means version 1). Names match {@code [a-z0-9][a-z0-9-]{0,62}}.
 *   <li>{@code --http-port N} (default 8080), {@code --grpc-port N} (default 8081), 0 = a free
 *       port; {@code --host} (default 127.0.0.1); {@code --ports-file FILE}: written atomically
 *       (temporary file + rename) once both ports listen, as {@code http=PORT\ngrpc=PORT\n}. Models
 *       may still be loading then: poll {@code GET /v2/health/ready}.
 *   <li>Batching: {@code --max-batch-size N} (default 32; 1 or {@code --no-batching} disables),
 *       {@code --max-queue-delay-us N} (default 500), {@code --preferred-batch-size N}
 *       (repeatable). On by default for every model whose inputs and outputs all have a free first
 *       dimension.
 *   <li>{@code --intra-op-threads N}, {@code --inter-op-threads N} (default 1 each), {@code
 *       --drain-timeout SECONDS} (default 30), {@code --max-request-bytes N} (default 64 MiB),
 *       {@code --nio} (Netty's NIO transport; by default native epoll where it loads), {@code
 *       --grpc-frontend netty|grpc-java} (default netty: our own unary handler on Netty's HTTP/2
 *       codec; grpc-java: grpc-java's server, to compare).
 *   <li>Bad arguments: exit 2 with a message naming the flag. A model that cannot be loaded: exit 1
 *       naming it. SIGTERM: readiness false, listening sockets closed, new inference refused (503 /
 *       UNAVAILABLE), requests in flight finished (up to the drain timeout), exit 0.
 * </ul>
 *
 * <h2>Protocol</h2>
 *
 * <p>HTTP: {@code GET /v2/health/live}, {@code GET /v2/health/ready} (200 true, 400 false), {@code
 * GET /v2}, {@code GET /v2/models/{name}[/versions/{v}]}, {@code GET
 * /v2/models/{name}[/versions/{v}]/ready}, {@code POST /v2/models/{name}[/versions/{v}]/infer},
 * {@code GET /metrics}. Without a version, the highest loaded version answers. Errors: 400 (bad
 * input or JSON), 404 (unknown model, version or path), 405, 413 (over {@code
 * --max-request-bytes}), 503 (draining), each with the body {@code {"error": "..."}}. gRPC: {@code
 * inference.GRPCInferenceService} (ServerLive, ServerReady, ModelReady, ServerMetadata,
 * ModelMetadata, ModelInfer with typed contents or {@code raw_input_contents}; raw inputs get raw
 * outputs) with INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED and UNAVAILABLE; h2c with prior
 * knowledge, uncompressed messages, unary methods only (anything else: UNIMPLEMENTED).
 *
 * <p>Metrics, labelled by {@code model} and {@code version}: {@code capstan_serving_requests_total}
 * (also {@code protocol}, {@code outcome}), {@code capstan_serving_request_duration_seconds}
 * (histogram), {@code capstan_serving_queue_duration_seconds} (histogram), {@code
 * capstan_serving_batch_size} (histogram of rows per ONNX Runtime run).
 */
package io.capstan.serving;
