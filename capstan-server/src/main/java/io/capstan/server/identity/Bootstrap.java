package io.capstan.server.identity;

import static java.util.Objects.requireNonNull;

import io.capstan.api.error.CapstanException;
import io.capstan.api.error.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * First start of an installation: with no users at all, creates the admin user {@code admin}, the
 * project {@code default} and a token for admin, written to {@code <dataDir>/admin.token} (mode
 * 0600), or, when the operator gave one ({@code CAPSTAN_ADMIN_TOKEN}, as the Helm chart does from a
 * Secret, since a pod's data dir does not outlive it), that token and no file. Idempotent: once
 * users exist it changes nothing, even if the token file was deleted.
 */
public final class Bootstrap {
  public static final String ADMIN = "admin";
  public static final String DEFAULT_PROJECT = "default";
  public static final String TOKEN_FILE = "admin.token";

  private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

  private final UserStore users;
  private final ProjectStore projects;
  private final TokenStore tokens;
  private final TransactionTemplate tx;
  private final Path dataDir;
  private final String givenToken;

  /**
   * @param givenToken the first admin's token as the operator chose it, or blank to generate one
   *     and write it to {@code <dataDir>/admin.token}
   */
  public Bootstrap(
      UserStore users,
      ProjectStore projects,
      TokenStore tokens,
      TransactionTemplate tx,
      Path dataDir,
      String givenToken) {
    this.users = requireNonNull(users, "users is null");
    this.projects = requireNonNull(projects, "projects is null");
    this.tokens = requireNonNull(tokens, "tokens is null");
    this.tx = requireNonNull(tx, "tx is null");
    this.dataDir = requireNonNull(dataDir, "dataDir is null");
    this.givenToken = requireNonNull(givenToken, "givenToken is null").strip();
  }

  /** The file the first admin token is written to. */
  public Path tokenFile() {
    return dataDir.resolve(TOKEN_FILE);
  }

  /** Creates the admin, its project and token when there are no users; else only logs. */
  public void run() {
    Path file = tokenFile();
    if (!users.isEmpty()) {
      if (Files.exists(file)) {
        log.info("The first admin token is in {}", file);
      } else {
        log.info(
            "Users exist and {} is missing; not recreating it (an admin creates tokens with"
                + " 'capstan token create')",
            file);
      }
      return;
    }
    try {
      // The file is written inside the transaction: if writing fails, nothing is stored and the
      // next start tries again, rather than leaving an installation nobody can log in to.
      tx.executeWithoutResult(
          status -> {
            users.create(ADMIN, true);
            projects.create(DEFAULT_PROJECT, "The default project", ADMIN);
            if (givenToken.isEmpty()) {
              writeSecret(file, tokens.create(ADMIN, "bootstrap").token());
            } else {
              tokens.createGiven(ADMIN, "bootstrap", givenToken);
            }
          });
    } catch (CapstanException e) {
      if (e.code() != ErrorCode.ALREADY_EXISTS) {
        throw e;
      }
      log.info("Another server created the first admin concurrently; the token is in {}", file);
      return;
    }
    log.info(
        "Created user '{}' and project '{}'; the admin token is {}",
        ADMIN,
        DEFAULT_PROJECT,
        givenToken.isEmpty() ? "in " + file : "the one CAPSTAN_ADMIN_TOKEN gave");
  }

  /** Writes the secret to a new file that only its owner can read, then moves it in place. */
  private static void writeSecret(Path file, String secret) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(temporary);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(
            temporary,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(temporary);
      }
      Files.writeString(temporary, secret + "\n", StandardCharsets.UTF_8);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the admin token to " + file, e);
    }
  }
}
