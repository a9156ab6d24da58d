package io.capstan.runtime.local;

import io.capstan.runtime.WorkloadRuntime;
import io.capstan.runtime.testing.WorkloadRuntimeContract;
import java.util.List;

/**
 * The local runtime without a sandbox (every job trusted) keeps the runtime contract with real
 * processes: {@code sh} for output and exits, a few lines of Python for HTTP.
 */
class LocalRuntimeContractTest extends WorkloadRuntimeContract {
  // Why a script and arguments: the contract's text goes in as an argument of its own, so the
  // runtime's $(VAR) expansion is what changes it, never the shell.
  static final String SERVER =
      """
      import http.server, sys
      port, path, authorization = int(sys.argv[1]), sys.argv[2], sys.argv[3]
      class Handler(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              if self.path != path:
                  status = 404
              elif authorization and self.headers.get('Authorization') != authorization:
                  status = 401
              else:
                  status = 200
              self.send_response(status)
              self.send_header('Content-Length', '0')
              self.end_headers()
          def log_message(self, *args):
              pass
      server = http.server.HTTPServer(('127.0.0.1', port), Handler)
      print('serving on', port, flush=True)
      server.serve_forever()
      """;

  @Override
  protected WorkloadRuntime createRuntime() {
    return new LocalRuntime(config(), artifactReader());
  }

  @Override
  protected List<String> writeFile(String containerPath, String content) {
    return List.of(
        "sh",
        "-c",
        "mkdir -p \"${1%/*}\" && printf '%s' \"$2\" > \"$1\"",
        "sh",
        containerPath,
        content);
  }

  /** The unsandboxed runtime; {@link SandboxedRuntimeContractTest} runs the sandboxed one. */
  LocalRuntimeConfig config() {
    return LocalRuntimeConfig.defaults(scratch.resolve("state"))
        .withGpus("none")
        .withSandbox(SandboxConfig.none());
  }

  @Override
  protected List<String> printAndExit(String text, int exitCode) {
    return List.of(
        "sh", "-c", "printf '%s\\n' \"$1\"; exit \"$2\"", "sh", text, Integer.toString(exitCode));
  }

  @Override
  protected List<String> printAndRun(String text) {
    return List.of("sh", "-c", "printf '%s\\n' \"$1\"; exec sleep infinity", "sh", text);
  }

  @Override
  protected List<String> printEnv(String name) {
    return List.of("sh", "-c", "printenv \"$1\"", "sh", name);
  }

  @Override
  protected List<String> printFile(String containerPath) {
    return List.of("sh", "-c", "cat \"$1\"", "sh", containerPath);
  }

  @Override
  protected List<String> serveHttp(String port, String path, String authorization) {
    return List.of("/usr/bin/python3", "-c", SERVER, port, path, authorization);
  }
}
