package io.capstan.runtime.kubernetes;

import static io.capstan.runtime.testing.InMemoryProgram.program;

import com.sun.net.httpserver.HttpServer;
import io.capstan.runtime.ArtifactDownload;
import io.capstan.runtime.ArtifactReader;
import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.testing.WorkloadRuntimeContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kubernetes runtime keeps the runtime contract against fabric8's mock API server in CRUD mode,
 * with a {@link TestingKubelet} that runs the contract's commands as in-memory programs and keeps
 * claims as local folders, which the runtime's volume readers read over exec (decision 121).
 * Artifacts are downloaded by the pods' init containers (decision 119) from URLs that a loopback
 * HTTP server answers with the contract's artifacts. Every case of the contract runs as written.
 */
class KubernetesRuntimeContractTest extends WorkloadRuntimeContract {
  private TestingCluster cluster;

  /** Answers the presigned URLs of the contract's artifacts. */
  private HttpServer store;

  /** Closes the cluster after the contract has released and closed the runtime. */
  @RegisterExtension
  final AfterEachCallback closeCluster =
      context -> {
        if (cluster != null) {
          cluster.close();
        }
        if (store != null) {
          store.stop(0);
        }
      };

  /** The contract's artifacts, and for each a URL of {@link #store} as a presigned one. */
  @Override
  protected ArtifactReader artifactReader() {
    ArtifactReader streams = super.artifactReader();
    return new ArtifactReader() {
      @Override
      public InputStream open(String key) {
        return streams.open(key);
      }

      @Override
      public Optional<ArtifactDownload> download(String key, Duration ttl) {
        streams.open(key); // throws when there is none, as a store does
        URI url =
            URI.create(
                "http://127.0.0.1:"
                    + store.getAddress().getPort()
                    + "/"
                    + key
                    + "?X-Amz-Signature=contract");
        String name = key.substring(key.lastIndexOf('/') + 1);
        return Optional.of(
            new ArtifactDownload(false, List.of(new ArtifactDownload.File(name, url, -1, null))));
      }
    };
  }

  @Override
  protected WorkloadRuntime createRuntime() {
    ArtifactReader artifacts = artifactReader();
    store = serve(artifacts);
    cluster = new TestingCluster().node("node-a", 8);
    KubernetesRuntimeConfig config =
        new KubernetesRuntimeConfig(
            KubernetesSettings.defaults(),
            null,
            null,
            KubernetesRuntimeConfig.DEFAULT_RENDEZVOUS_PORT,
            scratch.resolve("kubernetes"),
            Duration.ofMillis(50));
    return new KubernetesRuntime(
        cluster.client(),
        config.withArtifacts(new ArtifactSettings("capstan/capstan:contract", Duration.ofHours(1))),
        artifacts,
        Clock.systemUTC());
  }

  private static HttpServer serve(ArtifactReader artifacts) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              byte[] body;
              try (InputStream in =
                  artifacts.open(exchange.getRequestURI().getPath().substring(1))) {
                body = in.readAllBytes();
              } catch (NoSuchElementException e) {
                exchange.sendResponseHeaders(404, -1);
                return;
              }
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
            }
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected List<String> writeFile(String containerPath, String content) {
    return program().writeFile(containerPath, content).exit(0);
  }

  @Override
  protected List<String> printAndExit(String text, int exitCode) {
    return program().print(text).exit(exitCode);
  }

  @Override
  protected List<String> printAndRun(String text) {
    return program().print(text).run();
  }

  @Override
  protected List<String> printEnv(String name) {
    return program().printEnv(name).exit(0);
  }

  @Override
  protected List<String> printFile(String containerPath) {
    return program().printFile(containerPath).exit(0);
  }

  @Override
  protected List<String> serveHttp(String port, String path, String authorization) {
    return program().serveHttp(port, path, authorization).run();
  }
}
