package io.capstan.runtime.local;

/**
 * The local runtime's default, each replica in a bubblewrap sandbox, keeps the runtime contract;
 * like {@link SandboxedRuntimeTest}, it needs a host where bubblewrap works (the runtime refuses to
 * start otherwise).
 */
class SandboxedRuntimeContractTest extends LocalRuntimeContractTest {
  @Override
  LocalRuntimeConfig config() {
    return LocalRuntimeConfig.defaults(scratch.resolve("state")).withGpus("none");
  }
}
