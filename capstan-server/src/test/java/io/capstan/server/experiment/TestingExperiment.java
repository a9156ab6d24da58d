package io.capstan.server.experiment;

/**
 * Fluent builder of a Katib Experiment whose trial template is a one-master PyTorchJob that gets
 * the learning rate as {@code --lr=...}: {@code experiment("tune").parallel(2).max(3)}.
 */
final class TestingExperiment {
  private final String name;
  private String algorithm = "random";
  private int parallel = 1;
  private Integer max;
  private Integer maxFailed;
  private Double goal;
  private String resumePolicy;
  private String earlyStopping = "";
  private int gpus;

  TestingExperiment(String name) {
    this.name = name;
  }

  TestingExperiment algorithm(String newAlgorithm) {
    algorithm = newAlgorithm;
    return this;
  }

  TestingExperiment parallel(int count) {
    parallel = count;
    return this;
  }

  TestingExperiment max(int count) {
    max = count;
    return this;
  }

  TestingExperiment maxFailed(int count) {
    maxFailed = count;
    return this;
  }

  TestingExperiment goal(double value) {
    goal = value;
    return this;
  }

  TestingExperiment resumePolicy(String policy) {
    resumePolicy = policy;
    return this;
  }

  TestingExperiment medianStop(int minTrialsRequired, int startStep) {
    earlyStopping =
        "  earlyStopping:\n"
            + "    algorithmName: medianstop\n"
            + "    algorithmSettings:\n"
            + "      - {name: min_trials_required, value: \""
            + minTrialsRequired
            + "\"}\n"
            + "      - {name: start_step, value: \""
            + startStep
            + "\"}\n";
    return this;
  }

  /** Katib's File collector at {@code path} (text lines). */
  TestingExperiment fileCollector(String path) {
    earlyStopping +=
        "  metricsCollectorSpec:\n"
            + "    collector: {kind: File}\n"
            + "    source:\n"
            + "      fileSystemPath: {path: "
            + path
            + ", kind: File}\n";
    return this;
  }

  TestingExperiment gpus(int count) {
    gpus = count;
    return this;
  }

  String yaml() {
    return """
        apiVersion: kubeflow.org/v1beta1
        kind: Experiment
        metadata:
          name: %s
        spec:
          objective:
            type: minimize
            objectiveMetricName: loss
        %s  algorithm:
            algorithmName: %s
        %s  parallelTrialCount: %d
        %s%s%s  parameters:
            - name: lr
              parameterType: double
              feasibleSpace: {min: "0.001", max: "0.1"}
          trialTemplate:
            primaryContainerName: pytorch
            trialParameters:
              - {name: learningRate, reference: lr}
            trialSpec:
              apiVersion: kubeflow.org/v1
              kind: PyTorchJob
              spec:
                pytorchReplicaSpecs:
                  Master:
                    replicas: 1
                    restartPolicy: Never
                    template:
                      spec:
                        containers:
                          - name: pytorch
                            image: capstan/examples:latest
                            command: [python3, /examples/train.py]
                            args: ["--lr=${trialParameters.learningRate}"]
                            resources:
                              limits: {cpu: "1", memory: 1Gi%s}
        """
        .formatted(
            name,
            goal == null ? "" : "    goal: " + goal + "\n",
            algorithm,
            earlyStopping,
            parallel,
            max == null ? "" : "  maxTrialCount: " + max + "\n",
            maxFailed == null ? "" : "  maxFailedTrialCount: " + maxFailed + "\n",
            resumePolicy == null ? "" : "  resumePolicy: " + resumePolicy + "\n",
            gpus == 0 ? "" : ", nvidia.com/gpu: " + gpus);
  }
}
