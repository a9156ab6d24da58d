package io.capstan.serving.model;

/**
 * How ONNX Runtime sessions run: threads for parallelism inside one operator (intra-op) and between
 * operators (inter-op). Small models answer fastest with one intra-op thread and no spinning, since
 * the server's own threads use the other cores.
 */
public record SessionSettings(int intraOpThreads, int interOpThreads) {
  public SessionSettings {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException(
          "expected intraOpThreads to be at least 1, but was " + intraOpThreads);
    }
    if (interOpThreads < 1) {
      throw new IllegalArgumentException(
          "expected interOpThreads to be at least 1, but was " + interOpThreads);
    }
  }
}
