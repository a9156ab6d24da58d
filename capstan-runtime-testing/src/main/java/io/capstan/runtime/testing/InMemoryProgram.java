package io.capstan.runtime.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands {@link InMemoryRuntime} interprets, written fluently: {@code
 * program().print("hello").exit(3)} is {@code [in-memory, print, hello, exit, 3]}. A program runs
 * its steps at launch, after {@code $(VAR)} expansion, and ends with {@link #exit(int)} (the
 * replica is seen running once, then exits with the code at the next observation) or {@link #run()}
 * (it runs until terminated). A command that is not such a program (any real command) runs until
 * the test scripts its end.
 */
public final class InMemoryProgram {
  /** The first word of every program. */
  public static final String NAME = "in-memory";

  static final String PRINT = "print";
  static final String PRINT_ENV = "print-env";
  static final String PRINT_FILE = "print-file";
  static final String WRITE_FILE = "write-file";
  static final String SERVE_HTTP = "serve-http";
  static final String EXIT = "exit";
  static final String RUN = "run";

  private final List<String> words = new ArrayList<>(List.of(NAME));

  private InMemoryProgram() {}

  /** An empty program. */
  public static InMemoryProgram program() {
    return new InMemoryProgram();
  }

  /** Prints {@code text} and a line break to the replica's log. */
  public InMemoryProgram print(String text) {
    return add(PRINT, text);
  }

  /** Prints the value of the variable {@code name} (empty when unset) and a line break. */
  public InMemoryProgram printEnv(String name) {
    return add(PRINT_ENV, name);
  }

  /**
   * Prints the content of the file at {@code containerPath}: a file of the launch, or one in a
   * volume or artifact it mounts; exits 1 without one.
   */
  public InMemoryProgram printFile(String containerPath) {
    return add(PRINT_FILE, containerPath);
  }

  /**
   * Writes {@code content} to the file at {@code containerPath}, which must be below a writable
   * volume mount of the launch; exits 1 otherwise.
   */
  public InMemoryProgram writeFile(String containerPath, String content) {
    return add(WRITE_FILE, containerPath, content);
  }

  /**
   * Serves HTTP on {@code port} (a number once expanded, e.g. {@code $(CAPSTAN_PORT_HTTP)}): a
   * readiness probe of {@code path} on that port passes, when {@code authorization} is empty or the
   * probe sends it as its {@code Authorization} header.
   */
  public InMemoryProgram serveHttp(String port, String path, String authorization) {
    return add(SERVE_HTTP, port, path, authorization);
  }

  /** Ends the program: seen running once, the replica exits with {@code code}. */
  public List<String> exit(int code) {
    add(EXIT, Integer.toString(code));
    return List.copyOf(words);
  }

  /** Ends the program: the replica runs until it is terminated. */
  public List<String> run() {
    add(RUN);
    return List.copyOf(words);
  }

  private InMemoryProgram add(String... more) {
    words.addAll(List.of(more));
    return this;
  }
}
