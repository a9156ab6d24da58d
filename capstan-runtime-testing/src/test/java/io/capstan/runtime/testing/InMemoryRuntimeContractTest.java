package io.capstan.runtime.testing;

import static io.capstan.runtime.testing.InMemoryProgram.program;

import io.capstan.runtime.WorkloadRuntime;
import java.util.List;

/** The in-memory runtime keeps the runtime contract, with its programs as the commands. */
class InMemoryRuntimeContractTest extends WorkloadRuntimeContract {
  @Override
  protected WorkloadRuntime createRuntime() {
    return new InMemoryRuntime().artifacts(artifactReader());
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
