package io.capstan.server.serving;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.gateway.GatewayReport;
import io.capstan.api.gateway.GatewaySnapshot;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * The control plane's internal endpoint for the serving gateway, authenticated by the gateway's key
 * (not an API token): the gateway long-polls it for snapshots and posts what it saw. Not part of
 * the public API (and not in the OpenAPI document).
 */
@Hidden
@RestController
class GatewayFeed {
  static final String SNAPSHOT = "/internal/v1/gateway/snapshot";
  static final String REPORT = "/internal/v1/gateway/report";
  private static final long HOLD_MILLIS = 25_000;

  private final GatewayProcess gateway;
  private final GatewaySnapshots snapshots;
  private final GatewayLoad load;
  private final RequestStats stats;

  GatewayFeed(
      GatewayProcess gateway, GatewaySnapshots snapshots, GatewayLoad load, RequestStats stats) {
    this.gateway = gateway;
    this.snapshots = snapshots;
    this.load = load;
    this.stats = stats;
  }

  /**
   * The snapshot, as soon as its version differs from {@code after}; 204 when none changed within
   * the hold time (the gateway asks again).
   */
  @GetMapping(SNAPSHOT)
  DeferredResult<ResponseEntity<GatewaySnapshot>> snapshot(
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestParam(value = "after", defaultValue = "") String after) {
    requireKey(authorization);
    DeferredResult<ResponseEntity<GatewaySnapshot>> result =
        new DeferredResult<>(HOLD_MILLIS, ResponseEntity.noContent().build());
    Runnable withdraw = snapshots.await(after, s -> result.setResult(ResponseEntity.ok(s)));
    result.onTimeout(withdraw);
    result.onError(e -> withdraw.run());
    return result;
  }

  @PostMapping(REPORT)
  ResponseEntity<Void> report(
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestBody GatewayReport report) {
    requireKey(authorization);
    load.report(report);
    report.versions().forEach(stats::add);
    return ResponseEntity.noContent().build();
  }

  private void requireKey(String authorization) {
    if (!gateway.authorizes(authorization)) {
      throw new CapstanException(
          ErrorCode.UNAUTHENTICATED,
          "Expected the serving gateway's key (data dir gateway/gateway.key) as 'Authorization:"
              + " Bearer <key>', but the request "
              + (authorization == null ? "had none" : "had a different one"));
    }
  }
}
