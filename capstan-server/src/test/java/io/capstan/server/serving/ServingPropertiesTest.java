package io.capstan.server.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The serving settings: defaults, every override, and each refused value's message. */
class ServingPropertiesTest {
  private static ServingProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("capstan.serving", ServingProperties.class);
  }

  @Test
  void withoutSettingsServingTakesItsDefaults() {
    ServingProperties serving = bind(Map.of());

    assertThat(serving.gateway().host()).isEqualTo("127.0.0.1");
    assertThat(serving.gateway().httpPortFor(7070)).isEqualTo(7072);
    assertThat(serving.gateway().launches()).isTrue();
    assertThat(serving.gateway().stopWithServer()).isFalse();
    assertThat(serving.gateway().refreshInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(serving.grpcPortFor(7070)).isEqualTo(7071);
    assertThat(serving.maxRequestBytes()).isEqualTo(67_108_864);
    assertThat(serving.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(serving.reconcileInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(serving.scaleDownWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(serving.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(serving.probeTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(serving.java()).isEqualTo(ServingProperties.currentJava());
    assertThat(bind(Map.of("capstan.serving.java", " ")).java())
        .isEqualTo(ServingProperties.currentJava());
  }

  @Test
  void theGatewaysPortsFollowTheControlPlanesPortUnlessSet() {
    ServingProperties serving = bind(Map.of());

    assertThat(serving.grpcPortFor(8000)).isEqualTo(8001);
    assertThat(serving.gateway().httpPortFor(8000)).isEqualTo(8002);
    assertThat(serving.grpcPortFor(0)).as("a free port follows a free port").isZero();
    assertThat(serving.gateway().httpPortFor(0)).isZero();
    assertThatThrownBy(() -> serving.gateway().httpPortFor(65534))
        .hasMessageContaining("capstan.serving.gateway.http-port")
        .hasMessageContaining("server.port + 2");
  }

  @Test
  void everySettingIsRead() {
    ServingProperties serving =
        bind(
            Map.ofEntries(
                Map.entry("capstan.serving.gateway.host", "0.0.0.0"),
                Map.entry("capstan.serving.gateway.http-port", "0"),
                Map.entry("capstan.serving.gateway.launch", "OFF"),
                Map.entry("capstan.serving.gateway.stop-with-server", "true"),
                Map.entry("capstan.serving.gateway.refresh-interval", "2s"),
                Map.entry("capstan.serving.grpc-port", "9001"),
                Map.entry("capstan.serving.max-request-bytes", "1024"),
                Map.entry("capstan.serving.request-timeout", "5s"),
                Map.entry("capstan.serving.reconcile-interval", "250ms"),
                Map.entry("capstan.serving.scale-down-window", "0s"),
                Map.entry("capstan.serving.connect-timeout", "1s"),
                Map.entry("capstan.serving.probe-timeout", "2s"),
                Map.entry("capstan.serving.java", "/opt/jdk/bin/java")));

    assertThat(serving.gateway())
        .isEqualTo(new ServingProperties.Gateway("0.0.0.0", 0, "off", true, Duration.ofSeconds(2)));
    assertThat(serving.gateway().launches()).isFalse();
    assertThat(serving.grpcPortFor(7070)).isEqualTo(9001);
    assertThat(serving.gateway().httpPortFor(7070)).isZero();
    assertThat(serving.maxRequestBytes()).isEqualTo(1024);
    assertThat(serving.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(serving.reconcileInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(serving.scaleDownWindow()).isZero();
    assertThat(serving.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(serving.probeTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(serving.java()).isEqualTo("/opt/jdk/bin/java");
  }

  @Test
  void theGatewayHostFallsBackToTheOlderGrpcHost() {
    assertThat(bind(Map.of("capstan.serving.grpc-host", "10.0.0.5")).gateway().host())
        .isEqualTo("10.0.0.5");
    assertThat(
            bind(Map.of(
                    "capstan.serving.grpc-host", "10.0.0.5",
                    "capstan.serving.gateway.host", "10.0.0.6"))
                .gateway()
                .host())
        .isEqualTo("10.0.0.6");
  }

  @Test
  void environmentVariablesKeepTheNamesTheyHadWithValueAnnotations() {
    ServingProperties serving =
        new Binder(
                ConfigurationPropertySources.from(
                    new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of(
                            "CAPSTAN_SERVING_GATEWAY_HTTP_PORT", "8080",
                            "CAPSTAN_SERVING_GATEWAY_LAUNCH", "off",
                            "CAPSTAN_SERVING_SCALE_DOWN_WINDOW", "1m"))))
            .bindOrCreate("capstan.serving", ServingProperties.class);

    assertThat(serving.gateway().httpPort()).isEqualTo(8080);
    assertThat(serving.gateway().launches()).isFalse();
    assertThat(serving.scaleDownWindow()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void eachBadValueNamesItsProperty() {
    assertRefused(
        "gateway.host",
        " ",
        "Expected capstan.serving.gateway.host to be an address, but was blank");
    assertRefused(
        "gateway.http-port",
        "65536",
        "Expected capstan.serving.gateway.http-port to be a port between 0 and 65535, but was"
            + " 65536");
    assertRefused(
        "gateway.launch",
        "always",
        "Expected capstan.serving.gateway.launch to be 'auto' or 'off', but was 'always'");
    assertRefused(
        "gateway.refresh-interval",
        "0s",
        "Expected capstan.serving.gateway.refresh-interval to be a positive duration, but was PT0S");
    assertRefused(
        "grpc-port",
        "-1",
        "Expected capstan.serving.grpc-port to be a port between 0 and 65535, but was -1");
    assertRefused(
        "max-request-bytes",
        "0",
        "Expected capstan.serving.max-request-bytes to be positive, but was 0");
    assertRefused(
        "request-timeout",
        "-1s",
        "Expected capstan.serving.request-timeout to be a positive duration, but was PT-1S");
    assertRefused(
        "reconcile-interval",
        "0ms",
        "Expected capstan.serving.reconcile-interval to be a positive duration, but was PT0S");
    assertRefused(
        "scale-down-window",
        "-5m",
        "Expected capstan.serving.scale-down-window to be a duration of at least 0, but was PT-5M");
    assertRefused(
        "connect-timeout",
        "0s",
        "Expected capstan.serving.connect-timeout to be a positive duration, but was PT0S");
    assertRefused(
        "probe-timeout",
        "0s",
        "Expected capstan.serving.probe-timeout to be a positive duration, but was PT0S");
  }

  @Test
  void aValueOfTheWrongTypeNamesItsPropertyAndValue() {
    assertThatThrownBy(() -> bind(Map.of("capstan.serving.grpc-port", "grpc")))
        .isInstanceOf(BindException.class)
        .hasMessageContaining("capstan.serving.grpc-port")
        .hasStackTraceContaining("For input string: \"grpc\"");
  }

  private static void assertRefused(String property, String value, String message) {
    assertThatThrownBy(() -> bind(Map.of("capstan.serving." + property, value)))
        .isInstanceOf(BindException.class)
        .rootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
