package io.capstan.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs {@link CapstanCli} with an isolated environment, config file and home directory, a fixed
 * clock ({@link #NOW} unless set) and captured output.
 */
public final class TestingCli {
  public static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
  public static final String TOKEN = "cap_secret_token_123";

  /** What one run printed and returned. */
  public record Result(int exitCode, String out, String err) {}

  private final Map<String, String> env = new HashMap<>();
  private final Path configPath;
  private final Path home;
  private String stdin = "";
  private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  public TestingCli(Path tempDir) {
    this.configPath = tempDir.resolve("config").resolve("config.json");
    this.home = tempDir.resolve("home");
  }

  /** A CLI pointed at {@code server} with {@link #TOKEN}, through the environment. */
  public static TestingCli against(TestingApiServer server, Path tempDir) {
    return new TestingCli(tempDir).env("CAPSTAN_URL", server.url()).env("CAPSTAN_TOKEN", TOKEN);
  }

  public TestingCli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public TestingCli stdin(String text) {
    this.stdin = text;
    return this;
  }

  public TestingCli clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public Path configPath() {
    return configPath;
  }

  public Path home() {
    return home;
  }

  public Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode =
        new CapstanCli(
                env,
                configPath,
                home,
                clock,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(args);
    return new Result(
        exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
