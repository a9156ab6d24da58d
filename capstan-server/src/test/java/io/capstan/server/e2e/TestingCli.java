package io.capstan.server.e2e;

import io.capstan.cli.CapstanCli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The real CLI, in-process, pointed at a server by CAPSTAN_URL and CAPSTAN_TOKEN. */
final class TestingCli {
  private final Map<String, String> env;
  private final Path home;

  TestingCli(String url, String token) {
    this(Map.of("CAPSTAN_URL", url, "CAPSTAN_TOKEN", token));
  }

  /** A CLI with only CAPSTAN_URL set: its token is what {@code capstan login} saves. */
  static TestingCli withoutToken(String url) {
    return new TestingCli(Map.of("CAPSTAN_URL", url));
  }

  private TestingCli(Map<String, String> env) {
    this.env = env;
    try {
      this.home = Files.createTempDirectory("capstan-cli-home");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Result(int exitCode, String out, String err) {}

  /** The config file {@code capstan login} writes. */
  Path configFile() {
    return home.resolve("config.json");
  }

  /** A command running in the background (e.g. {@code logs -f}) whose output can be read live. */
  static final class Running {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CompletableFuture<Result> result = new CompletableFuture<>();

    String outSoFar() {
      return out.toString(StandardCharsets.UTF_8);
    }

    CompletableFuture<Result> result() {
      return result;
    }
  }

  Running start(String... args) {
    Running running = new Running();
    Thread thread =
        new Thread(
            () -> {
              try {
                running.result.complete(run(running.out, running.err, "", args));
              } catch (RuntimeException e) {
                running.result.completeExceptionally(e);
              }
            },
            "cli-" + String.join("-", args));
    thread.setDaemon(true);
    thread.start();
    return running;
  }

  Result run(String... args) {
    return run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "", args);
  }

  /** Runs with {@code input} as standard input (e.g. {@code submit -f -}). */
  Result runWithInput(String input, String... args) {
    return run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), input, args);
  }

  private Result run(
      ByteArrayOutputStream out, ByteArrayOutputStream err, String input, String... args) {
    int exitCode;
    try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exitCode =
          new CapstanCli(
                  env,
                  home.resolve("config.json"),
                  home,
                  Clock.systemUTC(),
                  new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                  outStream,
                  errStream)
              .run(args);
    }
    return new Result(
        exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
