package io.capstan.server;

import io.capstan.server.artifact.StorageInitializer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The control plane: {@code capstan server [--port P] [--data-dir D] [--trust-all-jobs]}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CapstanServer {
  public static void main(String[] args) {
    // Before Spring: a pod's init container runs the same jar (decision 119).
    if (args.length > 0 && args[0].equals(StorageInitializer.COMMAND))
      StorageInitializer.main(args);
    SpringApplication.run(CapstanServer.class, springArgs(args));
  }

  /**
   * Maps the launcher's {@code --port}, {@code --data-dir} and {@code --trust-all-jobs} onto Spring
   * properties.
   */
  static String[] springArgs(String[] args) {
    List<String> result = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if ((arg.equals("--port") || arg.equals("--data-dir")) && i + 1 < args.length) {
        result.add(property(arg) + "=" + args[++i]);
      } else if (arg.equals("--trust-all-jobs")) {
        result.add("--capstan.trust-all-jobs=true");
      } else if (arg.startsWith("--port=") || arg.startsWith("--data-dir=")) {
        int eq = arg.indexOf('=');
        result.add(property(arg.substring(0, eq)) + arg.substring(eq));
      } else {
        result.add(arg);
      }
    }
    return result.toArray(String[]::new);
  }

  private static String property(String flag) {
    return flag.equals("--port") ? "--server.port" : "--capstan.data-dir";
  }
}
