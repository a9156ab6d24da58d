package io.capstan.server.serving;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving controller's verdicts as stored (decision 67): remembers the last one written per
 * service and writes a new one only when it differs, reading the store once after a restart.
 */
final class ServiceHealthLog {
  private static final Logger log = LoggerFactory.getLogger(ServiceHealthLog.class);

  private final ServiceStore store;
  private final Map<String, ServiceHealth> written = new ConcurrentHashMap<>();

  ServiceHealthLog(ServiceStore store) {
    this.store = store;
  }

  /** The verdict last written for the service, null before the controller's first pass. */
  ServiceHealth last(ServiceRecord service) {
    ServiceHealth last = written.get(service.uid());
    if (last == null) {
      last = store.health(service.uid()).orElse(null);
      if (last != null) {
        written.put(service.uid(), last);
      }
    }
    return last;
  }

  /** Stores {@code next} unless it is what was last written. */
  void record(ServiceRecord service, ServiceHealth next) {
    if (next.equals(last(service))) {
      return;
    }
    try {
      store.writeHealth(service.uid(), next);
      written.put(service.uid(), next);
    } catch (RuntimeException e) {
      // Not remembered, so the next pass writes it again.
      log.warn("Cannot store the status of service {}/{}", service.project(), service.name(), e);
    }
  }

  void forget(String serviceUid) {
    written.remove(serviceUid);
  }
}
