package io.capstan.server.projectdata;

import io.capstan.server.ServerConfig;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** Wiring of a project's secrets and config maps, and of the server's secrets key. */
@Configuration(proxyBeanMethods = false)
class ProjectDataConfiguration {
  @Bean
  SecretCipher secretCipher(
      ServerConfig config, @Value("${CAPSTAN_SECRETS_KEY:}") String keyFromEnvironment) {
    // Several control-plane replicas (cluster mode) share one key from a Secret; one machine keeps
    // it in the data dir.
    return keyFromEnvironment.isBlank()
        ? SecretCipher.inDataDir(config.dataDir())
        : SecretCipher.ofEnvironment(keyFromEnvironment);
  }

  @Bean
  DataStore projectDataStore(JdbcClient jdbc, JsonMapper json) {
    return new DataStore(jdbc, json);
  }

  @Bean
  DataCodec projectDataCodec(SecretCipher cipher, JsonMapper json) {
    return new DataCodec(cipher, json);
  }

  @Bean
  ProjectDataService projectDataService(
      DataStore store, DataCodec codec, JsonMapper json, Clock clock) {
    return new ProjectDataService(store, codec, json, clock);
  }

  @Bean
  ProjectDataLookup projectDataLookup(DataStore store, DataCodec codec) {
    return new ProjectDataLookup(store, codec);
  }
}
