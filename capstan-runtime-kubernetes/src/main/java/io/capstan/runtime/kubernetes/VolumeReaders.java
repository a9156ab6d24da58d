package io.capstan.runtime.kubernetes;

import static java.util.Objects.requireNonNull;

import io.capstan.runtime.VolumeFile;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ContainerResource;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Reads job volumes' claims through reader pods (decision 121): {@code find} lists a claim, {@code
 * cat} streams one file, both over the exec API in a pod that mounts the claim read-only ({@link
 * VolumeReaderSpecs}). A reader is made on the first read of its claim, waited for until it runs,
 * and kept for the next reads (the output collector lists a volume, then opens its files one by
 * one) until it has been idle for the configured time, then deleted; a reader older than half its
 * lifetime is replaced rather than reused, so a read never races with its container's end. Safe
 * from any thread; reads of one claim share its reader, and reads of several claims run at once.
 */
final class VolumeReaders implements AutoCloseable {
  /** How long a reader's container sleeps: the bound on a reader the control plane forgot. */
  static final Duration LIFETIME = Duration.ofHours(1);

  private static final Duration START = Duration.ofMinutes(5);

  /** How long a listing may take: a claim of many thousands of files takes a while. */
  private static final Duration LIST_TIMEOUT = Duration.ofMinutes(10);

  private static final Duration EXIT = Duration.ofSeconds(30);
  private static final int CONNECTS = 3;
  private static final Duration RECONNECT = Duration.ofSeconds(1);
  private static final Set<Integer> REFUSED =
      Set.of(
          HttpURLConnection.HTTP_UNAUTHORIZED,
          HttpURLConnection.HTTP_FORBIDDEN,
          HttpURLConnection.HTTP_NOT_FOUND);
  private static final int NOT_THERE = 3;
  private static final byte[] OPENED = "ok\n".getBytes(StandardCharsets.US_ASCII);

  // Positional parameters: $1 the claim's mount, $2 the folder or file. A path is checked component
  // by component so that no symbolic link is followed (cat would follow one); a folder that is not
  // there (or is a link) lists as empty.
  private static final String NO_LINK_ON_THE_WAY =
      "cd \"$1\" || exit 2; set -f; p=; IFS=/; for part in $2; do p=\"${p:+$p/}$part\";"
          + " if [ -L \"$p\" ]; then exit 3; fi; done; set +f; unset IFS;";
  private static final String LIST =
      NO_LINK_ON_THE_WAY
          + " if [ ! -d \"$2\" ]; then exit 0; fi; cd \"$2\" || exit 2;"
          + " exec find . ! -type d -exec stat -c '%s %f' {} \\; -print0";
  private static final String OPEN =
      NO_LINK_ON_THE_WAY + " if [ ! -f \"$2\" ]; then exit 3; fi; echo ok; exec cat -- \"$2\"";

  /** As {@link #OPEN}, from byte {@code $3} (counted from 1) on, at most {@code $4} bytes. */
  private static final String READ =
      NO_LINK_ON_THE_WAY
          + " if [ ! -f \"$2\" ]; then exit 3; fi; echo ok;"
          + " tail -c +\"$3\" -- \"$2\" | head -c \"$4\"";

  /** A reader pod, in use by {@code users} reads; guarded by {@link VolumeReaders#readers}. */
  private static final class Reader {
    final String namespace;
    final String pod;
    final Instant created;
    int users;
    long released;

    Reader(String namespace, String pod, Instant created) {
      this.namespace = namespace;
      this.pod = pod;
      this.created = created;
    }
  }

  private final KubernetesClient client;
  private final String image;
  private final Duration idle;
  private final Map<String, Reader> readers = new ConcurrentHashMap<>();
  private final Map<String, Object> starting = new ConcurrentHashMap<>();
  private final ScheduledExecutorService expiry =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "capstan-volume-readers");
            thread.setDaemon(true);
            return thread;
          });

  VolumeReaders(KubernetesClient client, String image, Duration idle) {
    this.client = requireNonNull(client, "client is null");
    this.image = requireNonNull(image, "image is null");
    this.idle = requireNonNull(idle, "idle is null");
  }

  /** Every entry of the claim that is not a directory, in path order. */
  List<VolumeFile> list(PersistentVolumeClaim claim) {
    return list(claim, ".");
  }

  /**
   * Every entry below {@code folder} of the claim that is not a directory, in path order, named by
   * its path inside {@code folder}; none when there is no such folder or the way to it passes a
   * symbolic link.
   */
  List<VolumeFile> list(PersistentVolumeClaim claim, String folder) {
    Reader reader = acquire(claim);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      try (ExecWatch watch =
          connect(
              reader,
              () ->
                  container(reader)
                      .writingOutput(out)
                      .writingError(err)
                      .exec("sh", "-c", LIST, "sh", VolumeReaderSpecs.MOUNT_PATH, folder))) {
        int code = exitCode(watch, LIST_TIMEOUT);
        if (code == NOT_THERE) {
          return List.of(); // a symbolic link on the way to the folder
        }
        if (code != 0) {
          throw failed(claim, "list", code, err);
        }
      }
      return FindOutput.parse(out.toByteArray());
    } finally {
      release(claim, reader);
    }
  }

  /**
   * The regular file at {@code path} of the claim, streamed from its reader; the reader is kept
   * until the stream is closed.
   *
   * @throws NoSuchElementException when there is no regular file there, or the way to it passes a
   *     symbolic link
   */
  InputStream open(PersistentVolumeClaim claim, String path) {
    return stream(claim, path, OPEN);
  }

  /**
   * At most {@code maxBytes} bytes of the regular file at {@code path} of the claim, from {@code
   * offset}: fewer at its end, none from its end on.
   *
   * @throws NoSuchElementException as {@link #open}
   */
  byte[] read(PersistentVolumeClaim claim, String path, long offset, int maxBytes) {
    try (InputStream in =
        stream(claim, path, READ, Long.toString(offset + 1), Integer.toString(maxBytes))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The output of {@code script} on the file at {@code path}, after its line {@code ok}. */
  private InputStream stream(
      PersistentVolumeClaim claim, String path, String script, String... more) {
    List<String> command = new ArrayList<>(List.of("sh", "-c", script, "sh"));
    command.add(VolumeReaderSpecs.MOUNT_PATH);
    command.add(path);
    command.addAll(List.of(more));
    Reader reader = acquire(claim);
    ExecWatch watch = null;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      watch =
          connect(
              reader,
              () ->
                  container(reader)
                      .redirectingOutput()
                      .writingError(err)
                      .exec(command.toArray(String[]::new)));
      InputStream out = watch.getOutput();
      byte[] prefix;
      try {
        prefix = prefix(out);
      } catch (IOException e) {
        // fabric8 fails the output stream when the command exits non-zero: the code says why.
        prefix = new byte[0];
      }
      if (!Arrays.equals(prefix, OPENED)) {
        int code = exitCode(watch, EXIT);
        if (code == NOT_THERE) {
          throw new NoSuchElementException(
              "Expected a regular file at '"
                  + path
                  + "' of claim "
                  + claim.getMetadata().getName()
                  + ", but there is none (a symbolic link is never followed)");
        }
        throw failed(claim, "open '" + path + "' of", code, err);
      }
      return new FileStream(out, watch, err, claim, reader, path);
    } catch (RuntimeException e) {
      if (watch != null) {
        watch.close();
      }
      release(claim, reader);
      throw e;
    }
  }

  /** Deletes the readers of these claims (before the claims themselves are deleted). */
  void forget(List<PersistentVolumeClaim> claims) {
    for (PersistentVolumeClaim claim : claims) {
      Reader reader = readers.remove(key(claim));
      if (reader != null) {
        delete(reader);
      }
    }
  }

  @Override
  public void close() {
    expiry.shutdownNow();
    readers.values().forEach(this::delete);
    readers.clear();
  }

  /** The claim's reader, running, counted as in use until {@link #release}. */
  private Reader acquire(PersistentVolumeClaim claim) {
    String key = key(claim);
    synchronized (starting.computeIfAbsent(key, k -> new Object())) {
      synchronized (readers) {
        Reader reader = readers.get(key);
        if (reader != null && reader.created.plus(LIFETIME.dividedBy(2)).isAfter(Instant.now())) {
          reader.users++;
          return reader;
        }
        if (reader != null) {
          readers.remove(key);
        }
      }
      Reader started = start(claim);
      synchronized (readers) {
        started.users++;
        readers.put(key, started);
        return started;
      }
    }
  }

  private void release(PersistentVolumeClaim claim, Reader reader) {
    synchronized (readers) {
      reader.users--;
      reader.released = System.nanoTime();
    }
    later(() -> expire(key(claim), reader), idle.toNanos());
  }

  private void later(Runnable task, long nanos) {
    try {
      expiry.schedule(task, nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Closed: every reader was deleted.
    }
  }

  private void expire(String key, Reader reader) {
    synchronized (readers) {
      if (reader.users > 0 || readers.get(key) != reader) {
        return; // in use (its release schedules the next check), or gone already
      }
      long left = idle.toNanos() - (System.nanoTime() - reader.released);
      if (left > 0) {
        later(() -> expire(key, reader), left);
        return;
      }
      readers.remove(key);
    }
    delete(reader);
  }

  /** Makes the claim's reader (or takes the one a crashed control plane left) and waits for it. */
  private Reader start(PersistentVolumeClaim claim) {
    Pod wanted = VolumeReaderSpecs.reader(claim, image, LIFETIME);
    String namespace = wanted.getMetadata().getNamespace();
    String name = wanted.getMetadata().getName();
    Pod found = client.pods().inNamespace(namespace).withName(name).get();
    if (found != null && !"Running".equals(phase(found))) {
      client.resource(found).withGracePeriod(0).delete();
      client
          .resource(found)
          .waitUntilCondition(p -> p == null, START.toSeconds(), TimeUnit.SECONDS);
      found = null;
    }
    Instant created = Instant.now();
    if (found == null) {
      try {
        client.resource(wanted).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
      }
    } else if (found.getMetadata().getCreationTimestamp() != null) {
      created = Instant.parse(found.getMetadata().getCreationTimestamp());
    }
    Pod running;
    try {
      running =
          client
              .pods()
              .inNamespace(namespace)
              .withName(name)
              .waitUntilCondition(
                  p -> p != null && !"Pending".equals(phase(p)),
                  START.toSeconds(),
                  TimeUnit.SECONDS);
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "Expected reader pod "
              + namespace
              + "/"
              + name
              + " of claim "
              + claim.getMetadata().getName()
              + " to run within "
              + START.toMinutes()
              + " minutes (image "
              + image
              + ", capstan.runtime.kubernetes.volume-reader-image), but it did not: "
              + e.getMessage(),
          e);
    }
    if (!"Running".equals(phase(running))) {
      client.resource(running).withGracePeriod(0).delete();
      throw new IllegalStateException(
          "Expected reader pod "
              + namespace
              + "/"
              + name
              + " of claim "
              + claim.getMetadata().getName()
              + " to run, but it is "
              + phase(running)
              + (running.getStatus().getMessage() == null
                  ? ""
                  : ": " + running.getStatus().getMessage()));
    }
    return new Reader(namespace, name, created);
  }

  /**
   * An exec into the reader, its WebSocket upgrade tried again (1 s apart, {@link #CONNECTS} in
   * all) when it fails for a reason other than a refusal: an upgrade that times out, or that the
   * API server answers "container not found" while the kubelet has not caught up with the pod. The
   * command has not run when the upgrade fails. (fabric8 itself tries a 5xx answer again.)
   */
  private static ExecWatch connect(Reader reader, Supplier<ExecWatch> exec) {
    for (int attempt = 1; ; attempt++) {
      try {
        return exec.get();
      } catch (KubernetesClientException e) {
        if (attempt == CONNECTS || REFUSED.contains(e.getCode())) {
          throw new IllegalStateException(
              "Expected an exec into volume reader "
                  + reader.namespace
                  + "/"
                  + reader.pod
                  + ", but its connection failed ("
                  + attempt
                  + (attempt == 1 ? " try" : " tries")
                  + "): "
                  + reason(e),
              e);
        }
        try {
          Thread.sleep(RECONNECT.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while connecting to a volume reader", e);
        }
      }
    }
  }

  /** The innermost cause's message: fabric8's own is "An error has occurred." */
  private static String reason(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause == e
        ? String.valueOf(e.getMessage())
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  private ContainerResource container(Reader reader) {
    return client
        .pods()
        .inNamespace(reader.namespace)
        .withName(reader.pod)
        .inContainer(VolumeReaderSpecs.CONTAINER);
  }

  private void delete(Reader reader) {
    try {
      client.pods().inNamespace(reader.namespace).withName(reader.pod).withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      // Left to its owner, the claim, and to its own end after LIFETIME.
      System.getLogger(VolumeReaders.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "Cannot delete volume reader " + reader.namespace + "/" + reader.pod,
              e);
    }
  }

  /**
   * The first bytes of the stream, as many as {@link #OPENED} has, fewer at its end. (Not {@code
   * readNBytes}: fabric8's exec stream asserts that no read asks for 0 bytes.)
   */
  private static byte[] prefix(InputStream out) throws IOException {
    byte[] prefix = new byte[OPENED.length];
    int read = 0;
    while (read < prefix.length) {
      int more = out.read(prefix, read, prefix.length - read);
      if (more < 0) {
        return Arrays.copyOf(prefix, read);
      }
      read += more;
    }
    return prefix;
  }

  private static int exitCode(ExecWatch watch, Duration timeout) {
    try {
      Integer code = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return code == null ? -1 : code;
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a volume reader", e);
    }
  }

  private static IllegalStateException failed(
      PersistentVolumeClaim claim, String what, int code, ByteArrayOutputStream err) {
    return new IllegalStateException(
        "Expected the volume reader to "
            + what
            + " claim "
            + claim.getMetadata().getNamespace()
            + "/"
            + claim.getMetadata().getName()
            + " and exit 0, but it exited with "
            + code
            + stderr(err));
  }

  private static String stderr(ByteArrayOutputStream err) {
    String text = err.toString(StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? "" : ": " + text.substring(0, Math.min(500, text.length()));
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? "Pending"
        : pod.getStatus().getPhase();
  }

  private static String key(PersistentVolumeClaim claim) {
    return claim.getMetadata().getNamespace() + "/" + claim.getMetadata().getName();
  }

  /** One file's bytes; at its end the reader's exit code is checked, and a failure thrown. */
  private final class FileStream extends FilterInputStream {
    private final ExecWatch watch;
    private final ByteArrayOutputStream err;
    private final PersistentVolumeClaim claim;
    private final Reader reader;
    private final String path;
    private boolean closed;

    FileStream(
        InputStream out,
        ExecWatch watch,
        ByteArrayOutputStream err,
        PersistentVolumeClaim claim,
        Reader reader,
        String path) {
      super(out);
      this.watch = watch;
      this.err = err;
      this.claim = claim;
      this.reader = reader;
      this.path = path;
    }

    @Override
    public int read() throws IOException {
      return atEnd(super.read());
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      return length == 0 ? 0 : atEnd(super.read(bytes, offset, length));
    }

    private int atEnd(int read) throws IOException {
      if (read < 0) {
        int code = exitCode(watch, EXIT);
        if (code != 0) {
          throw new IOException(failed(claim, "read '" + path + "' of", code, err).getMessage());
        }
      }
      return read;
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      try {
        watch.close();
        super.close();
      } finally {
        release(claim, reader);
      }
    }
  }
}
