package io.capstan.serving.gateway;

import java.time.Duration;

/**
 * What both proxies share: the routing table in force, the request counts, and how hard to try.
 *
 * @param attempts replicas tried per request at most (a request no replica could take is sent to
 *     another one: inference has no side effects)
 * @param failedPause how long a replica that refused a connection is passed over
 * @param requestTimeout how long a replica may take to answer
 * @param connectTimeout how long connecting to a replica may take
 */
record GatewayContext(
    TableHolder tables,
    GatewayStats stats,
    int attempts,
    Duration failedPause,
    Duration requestTimeout,
    Duration connectTimeout) {

  /** The table every new request reads; replaced whole when a snapshot arrives. */
  static final class TableHolder {
    private volatile RoutingTable table = RoutingTable.EMPTY;

    RoutingTable get() {
      return table;
    }

    void set(RoutingTable table) {
      this.table = table;
    }
  }
}
