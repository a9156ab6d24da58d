package io.capstan.api.identity;

/**
 * Creates a user; only installation admins may.
 *
 * @param name a DNS label
 * @param admin whether the user is an installation admin; absent means no
 */
public record CreateUserRequest(String name, Boolean admin) {
  public CreateUserRequest {
    admin = admin != null && admin;
  }
}
