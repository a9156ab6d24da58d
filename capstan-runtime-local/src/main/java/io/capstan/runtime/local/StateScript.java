package io.capstan.runtime.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** A shell script that the runtime keeps in its state directory for the replicas it starts. */
final class StateScript {
  private StateScript() {}

  /**
   * Writes {@code text} to {@code stateDir/name}, executable, replacing an older version
   * atomically: a running sh reads its script as it goes, so the old file must stay intact for the
   * processes that still run it. Returns the script's path.
   */
  static Path install(Path stateDir, String name, String text) {
    Path script = stateDir.resolve(name);
    try {
      Files.createDirectories(stateDir);
      if (Files.exists(script) && Files.readString(script).equals(text)) {
        return script;
      }
      Path temporary = Files.createTempFile(stateDir, name, ".tmp");
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(
          temporary, script, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return script;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the script " + script, e);
    }
  }
}
