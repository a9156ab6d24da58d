package io.capstan.server.queue;

import static java.util.Objects.requireNonNull;

import io.capstan.scheduler.OrderingPolicy;
import io.capstan.scheduler.QueueSpec;
import io.capstan.scheduler.cluster.ResourceAmounts;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Project quotas in the database; a project without a row gets {@link #defaultQueue}. */
public final class QuotaStore {
  private final JdbcClient jdbc;
  private final Clock clock;

  public QuotaStore(JdbcClient jdbc, Clock clock) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * The queue of a project nobody gave a quota: nothing guaranteed, may borrow anything unused,
   * least-attained-service order.
   */
  public static QueueSpec defaultQueue(String project) {
    return new QueueSpec(
        project, ResourceAmounts.ZERO, null, ResourceAmounts.ZERO, 1, OrderingPolicy.LAS);
  }

  /**
   * A project's quota with the version of its row, a compare-and-set's expectation and the API's
   * {@code resourceVersion}: 0 when nobody set one (the default queue), 1 once set, +1 each change.
   */
  public record StoredQuota(QueueSpec queue, long version) {
    public StoredQuota {
      requireNonNull(queue, "queue is null");
    }
  }

  public Optional<QueueSpec> find(String project) {
    return stored(project).map(StoredQuota::queue);
  }

  /** The project's quota and version; the default queue at version 0 when it has none. */
  public StoredQuota read(String project) {
    return stored(project).orElseGet(() -> new StoredQuota(defaultQueue(project), 0));
  }

  private Optional<StoredQuota> stored(String project) {
    return jdbc.sql("select * from project_quotas where project = ?")
        .param(project)
        .query((rs, row) -> new StoredQuota(queue(rs, row), rs.getLong("version")))
        .optional();
  }

  /** The queue of every project, with the default for those without a quota. */
  public Map<String, QueueSpec> all() {
    Map<String, QueueSpec> queues = new LinkedHashMap<>();
    for (String project :
        jdbc.sql("select name from projects order by name").query(String.class).list()) {
      queues.put(project, defaultQueue(project));
    }
    for (QueueSpec queue :
        jdbc.sql("select * from project_quotas").query(QuotaStore::queue).list()) {
      queues.put(queue.name(), queue);
    }
    return queues;
  }

  /**
   * Sets a project's quota (the project must exist) if it is still at {@code expectedVersion}, the
   * version read before (0: no quota was set), raising the version. False when another writer
   * changed it first: nothing was written, and the caller reads again or gives up.
   */
  public boolean put(QueueSpec queue, long expectedVersion) {
    ResourceAmounts borrow = queue.borrowingLimit();
    ResourceAmounts lend = queue.lendingLimit();
    Object[] values = {
      queue.nominal().cpuMillis(),
      queue.nominal().memoryBytes(),
      queue.nominal().gpuMilli(),
      borrow.cpuMillis(),
      borrow.memoryBytes(),
      borrow.gpuMilli(),
      lend.cpuMillis(),
      lend.memoryBytes(),
      lend.gpuMilli(),
      queue.weight(),
      queue.policy().name(),
      clock.millis(),
      expectedVersion + 1,
      queue.name()
    };
    if (expectedVersion == 0) {
      try {
        return jdbc.sql(
                    "insert into project_quotas (nominal_cpu_millis, nominal_memory_bytes,"
                        + " nominal_gpu_milli, borrow_cpu_millis, borrow_memory_bytes,"
                        + " borrow_gpu_milli, lend_cpu_millis, lend_memory_bytes, lend_gpu_milli,"
                        + " weight, policy, updated_at, version, project)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(values)
                .update()
            == 1;
      } catch (DuplicateKeyException e) {
        return false; // another writer set the first quota meanwhile
      }
    }
    return jdbc.sql(
                "update project_quotas set nominal_cpu_millis = ?, nominal_memory_bytes = ?,"
                    + " nominal_gpu_milli = ?, borrow_cpu_millis = ?, borrow_memory_bytes = ?,"
                    + " borrow_gpu_milli = ?, lend_cpu_millis = ?, lend_memory_bytes = ?,"
                    + " lend_gpu_milli = ?, weight = ?, policy = ?, updated_at = ?, version = ?"
                    + " where project = ? and version = ?")
            .params(values)
            .param(expectedVersion)
            .update()
        == 1;
  }

  private static QueueSpec queue(ResultSet rs, int row) throws SQLException {
    ResourceAmounts nominal =
        new ResourceAmounts(
            rs.getLong("nominal_cpu_millis"),
            rs.getLong("nominal_memory_bytes"),
            rs.getLong("nominal_gpu_milli"));
    return new QueueSpec(
        rs.getString("project"),
        nominal,
        limit(rs, "borrow"),
        limit(rs, "lend"),
        rs.getInt("weight"),
        OrderingPolicy.valueOf(rs.getString("policy")));
  }

  private static ResourceAmounts limit(ResultSet rs, String prefix) throws SQLException {
    return new ResourceAmounts(
        rs.getLong(prefix + "_cpu_millis"),
        rs.getLong(prefix + "_memory_bytes"),
        rs.getLong(prefix + "_gpu_milli"));
  }
}
