package io.capstan.server.serving;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import io.capstan.api.identity.ProjectRole;
import io.capstan.server.identity.Access;
import io.capstan.server.identity.Authenticator;
import io.capstan.server.identity.Caller;

/**
 * Who may send requests to a service through the gateway: any member of its project (viewers
 * included), authenticated by the same bearer tokens as the API. A service of a project the caller
 * is not in answers "not found", as the API does.
 */
final class GatewayAccess {
  private final Authenticator authenticator;
  private final Access access;
  private final ServiceStore services;

  GatewayAccess(Authenticator authenticator, Access access, ServiceStore services) {
    this.authenticator = authenticator;
    this.access = access;
    this.services = services;
  }

  /**
   * Checks the caller and that the service exists.
   *
   * @throws CapstanException UNAUTHENTICATED or NOT_FOUND
   */
  Caller check(String authorization, String project, String service) {
    Caller caller = authenticator.authenticate(authorization);
    try {
      access.requireProject(caller, project, ProjectRole.VIEWER);
    } catch (CapstanException e) {
      throw notFound(project, service);
    }
    if (services.find(project, service).isEmpty()) {
      throw notFound(project, service);
    }
    return caller;
  }

  private static CapstanException notFound(String project, String service) {
    return new CapstanException(
        ErrorCode.NOT_FOUND, "Service '" + service + "' not found in project '" + project + "'");
  }
}
