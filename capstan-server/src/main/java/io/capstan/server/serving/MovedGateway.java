package io.capstan.server.serving;

import io.capstan.api.ApiPaths;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The control plane's old serving path, {@code /serving/...} on the API's port: the gateway is a
 * process of its own now, so this answers 307 with the same path on the gateway (a client that
 * follows redirects, such as {@code curl -L}, resends the request there) and says where to send
 * requests from now on.
 */
@Hidden
@RestController
class MovedGateway {
  private final GatewayProcess gateway;

  MovedGateway(GatewayProcess gateway) {
    this.gateway = gateway;
  }

  @RequestMapping(
      path = ApiPaths.SERVING + "/**",
      method = {RequestMethod.GET, RequestMethod.POST})
  ResponseEntity<Map<String, String>> moved(HttpServletRequest request) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    String location =
        gateway.httpBase()
            + path
            + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    return ResponseEntity.status(HttpStatus.TEMPORARY_REDIRECT)
        .header(HttpHeaders.LOCATION, location)
        .contentType(MediaType.APPLICATION_JSON)
        .body(
            Map.of(
                "error",
                "The serving gateway listens on its own port: send this request to "
                    + location
                    + " (see 'capstan serve get')"));
  }
}
