package io.capstan.server.notebook;

import io.capstan.api.job.Framework;
import io.capstan.api.job.JobSpec;
import io.capstan.api.job.PodDetails;
import io.capstan.api.job.PodVolume;
import io.capstan.api.job.ReplicaGroupSpec;
import io.capstan.api.job.ReplicaRole;
import io.capstan.api.job.RestartPolicy;
import io.capstan.api.job.VolumeMount;
import io.capstan.server.job.JobRecord;
import io.capstan.server.job.Workload;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A notebook's server is a one-replica workload of kind {@link NotebookKind} owned by the notebook:
 * {@code python3 -m notebook} of the notebook's environment (the image map turns {@code python3}
 * into the image's interpreter), its workspace volume at {@link #WORKSPACE}, its home there too,
 * and Jupyter's own folders in the replica's working folder. This class builds those workloads.
 */
final class NotebookJobs {
  /** Where the workspace volume is mounted; Jupyter's root folder and the user's home. */
  static final String WORKSPACE = "/capstan/workspace";

  /** The one replica of a notebook workload. */
  static final String REPLICA = "worker-0";

  /** Source kind of notebook workloads, shown by {@code capstan list}. */
  static final String SOURCE_KIND = "Notebook";

  /**
   * Above batch jobs' normal priority (0), below {@code high} (100) and serving replicas: a normal
   * batch job never preempts a notebook, and a notebook waits behind high-priority work.
   */
  static final int PRIORITY = 50;

  /**
   * Jupyter's start-up config: takes the token from its variable and removes it, so that kernels
   * (which inherit the server's environment) and what they print never hold it. Without the
   * variable the server refuses to start rather than run without a token.
   */
  static final String CONFIG =
      """
      # Written by Capstan. The token comes in a variable that is removed at once.
      import os
      _token = os.environ.pop("%s", "")
      if not _token:
          raise SystemExit("Capstan: no notebook token in the environment; refusing to start")
      c.NotebookApp.token = _token
      c.NotebookApp.password = ""
      """
          .formatted(NotebookKind.TOKEN_VARIABLE);

  private static final long TTL_AFTER_FINISHED_SECONDS = 600;

  private final String listenAddress;

  /**
   * @param listenAddress where Jupyter listens: loopback on one machine, every address in a pod
   */
  NotebookJobs(String listenAddress) {
    this.listenAddress = listenAddress;
  }

  /** A new workload that runs {@code notebook}'s server. */
  JobSpec spec(NotebookRecord notebook) {
    String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(3);
    String name = "nb-" + notebook.name() + "-" + suffix;
    List<String> command = List.of("python3", "-m", "notebook");
    List<String> args =
        List.of(
            "--config=" + NotebookKind.CONFIG_PATH,
            "--no-browser",
            "--allow-root",
            "--ip=" + listenAddress,
            "--port=$(" + NotebookKind.HTTP.envName() + ")",
            "--port-retries=0",
            "--notebook-dir=" + WORKSPACE,
            "--NotebookApp.base_url=" + notebook.path(),
            "--NotebookApp.allow_remote_access=True",
            "--NotebookApp.quit_button=False");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", WORKSPACE);
    env.put("JUPYTER_CONFIG_DIR", "/capstan/work/jupyter/config");
    env.put("JUPYTER_DATA_DIR", "/capstan/work/jupyter/data");
    env.put("JUPYTER_RUNTIME_DIR", "/capstan/work/jupyter/runtime");
    env.put("IPYTHONDIR", "/capstan/work/ipython");
    env.put("MPLCONFIGDIR", "/capstan/work/matplotlib");
    PodDetails pod =
        new PodDetails(
            null,
            List.of(
                new PodVolume(
                    "workspace",
                    new PodVolume.Claim(notebook.workspace(), false),
                    null,
                    null,
                    null,
                    null)),
            List.of(new VolumeMount("workspace", WORKSPACE, null, false)),
            Map.of(),
            List.of(),
            Map.of(),
            Map.of());
    ReplicaGroupSpec group =
        new ReplicaGroupSpec(
            ReplicaRole.WORKER,
            1,
            notebook.spec().image(),
            command,
            args,
            env,
            notebook.resources(),
            RestartPolicy.ON_FAILURE,
            pod);
    return JobSpec.builder(name, Framework.GENERIC, SOURCE_KIND)
        .replicaGroups(List.of(group))
        .ttlSecondsAfterFinished(TTL_AFTER_FINISHED_SECONDS)
        .priority(PRIORITY)
        .datasets(NotebookSpecs.mounts(notebook.spec().datasets()))
        .build();
  }

  /** The workload of {@code notebook}'s server: its kind, its owner and the notebook's name. */
  static Workload workload(NotebookRecord notebook) {
    return new Workload(NotebookKind.NAME, notebook.uid(), notebook.name());
  }

  /** Where the server of {@code job} answers on the control plane (Jupyter's base URL). */
  static String basePath(JobRecord job) {
    return NotebookRecord.path(job.project(), job.kindData());
  }
}
