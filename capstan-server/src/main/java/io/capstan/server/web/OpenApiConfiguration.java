package io.capstan.server.web;

import io.capstan.server.audit.AuditNote;
import io.capstan.server.identity.Caller;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document (served by springdoc at {@code /api/v1/openapi.json}): bearer tokens. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {
  private static final String BEARER = "bearer";

  @Bean
  OpenAPI capstanOpenApi() {
    // The Caller is resolved from the token, not sent by clients: keep it out of the document.
    SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    // The audit note is the request's own, filled by the controller.
    SpringDocUtils.getConfig().addRequestWrapperToIgnore(AuditNote.class);
    String version = OpenApiConfiguration.class.getPackage().getImplementationVersion();
    return new OpenAPI()
        .info(
            new Info()
                .title("Capstan API")
                .description(
                    "The REST API of the Capstan deep-learning platform. Every path except"
                        + " /api/v1/health and this document needs 'Authorization: Bearer"
                        + " <token>'.")
                .version(version == null ? "development" : version))
        .components(
            new Components()
                .addSecuritySchemes(
                    BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
        .addSecurityItem(new SecurityRequirement().addList(BEARER));
  }
}
