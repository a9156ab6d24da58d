package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

/**
 * The authenticated user of a request. A controller method declares a {@code Caller caller}
 * parameter to receive it; requests without a valid token never reach the controller.
 *
 * @param user the user's name
 * @param admin whether the user administers the whole installation
 */
public record Caller(String user, boolean admin) {
  public Caller {
    requireNonNull(user, "user is null");
  }
}
