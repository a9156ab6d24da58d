package io.capstan.api.image;

import java.util.List;
import java.util.Map;

/**
 * One entry of a runtime's image map: what a container image stands for on a runtime without real
 * images (the local runtime), chosen for every image that matches {@code pattern}. The wire form of
 * {@code capstan env} and {@code /api/v1/environments}; a null component means "not set".
 *
 * @param pattern the image, or a pattern where {@code *} matches any characters; the exact image
 *     wins, else the matching pattern with the most characters besides {@code *}
 * @param python the interpreter that runs {@code python}, {@code python3} and {@code torchrun} (an
 *     absolute path or a command on {@code PATH}), or null for the runtime's default
 * @param code the image's code folders: container path (such as {@code /opt/pytorch-mnist}) to the
 *     absolute host folder that stands for it, read-only
 * @param workingDir the image's working directory (a container path), where a replica whose spec
 *     names none starts; null: the replica's own folder
 * @param entrypoint what a container with args but no command runs its args with (Docker's {@code
 *     ENTRYPOINT}); an empty list: the image has none, so the args are the command; null: unknown,
 *     so a container without a command is refused
 * @param args what runs after the entrypoint when a container has neither command nor args
 *     (Docker's {@code CMD})
 * @param env variables every replica of the image gets (the spec's own win)
 * @param origin where the entry comes from in an answer: {@code built-in} or {@code file}; ignored
 *     in a request
 */
public record ImageEnvironment(
    String pattern,
    String python,
    Map<String, String> code,
    String workingDir,
    List<String> entrypoint,
    List<String> args,
    Map<String, String> env,
    String origin) {
  /** An entry comes from the runtime's built-in defaults. */
  public static final String BUILT_IN = "built-in";

  /** An entry comes from the operator's file (written by hand or through the API). */
  public static final String FILE = "file";

  public ImageEnvironment {
    code = code == null ? Map.of() : Map.copyOf(code);
    entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
    args = args == null ? List.of() : List.copyOf(args);
    env = env == null ? Map.of() : Map.copyOf(env);
  }

  /** This entry with another origin. */
  public ImageEnvironment withOrigin(String newOrigin) {
    return new ImageEnvironment(
        pattern, python, code, workingDir, entrypoint, args, env, newOrigin);
  }
}
