package io.capstan.tuning.experiment;

import static io.capstan.tuning.TestingExperiments.katibExample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.capstan.tuning.ExperimentLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A trial's job is the template with Katib's substitutions. */
class TrialRendererTest {
  @Test
  @SuppressWarnings("unchecked")
  void substitutesTheAssignedValuesAndNamesTheJobAfterTheTrial() {
    Experiment experiment = new ExperimentLoader().load(katibExample("random"));

    Map<String, Object> job =
        new TrialRenderer(experiment)
            .render("random-abc", "team-a", Map.of("lr", "0.025", "momentum", "0.7"));

    assertThat(job.get("kind")).isEqualTo("Job");
    assertThat((Map<String, Object>) job.get("metadata"))
        .containsEntry("name", "random-abc")
        .containsEntry("namespace", "team-a");
    Map<String, Object> spec =
        (Map<String, Object>) ((Map<String, Object>) job.get("spec")).get("template");
    Map<String, Object> container =
        ((List<Map<String, Object>>) ((Map<String, Object>) spec.get("spec")).get("containers"))
            .get(0);
    assertThat((List<String>) container.get("command"))
        .containsExactly(
            "python3",
            "/opt/pytorch-mnist/mnist.py",
            "--epochs=1",
            "--batch-size=16",
            "--lr=0.025",
            "--momentum=0.7");
    assertThat(experiment.trialTemplate().trialSpec().toString())
        .contains("${trialParameters.learningRate}");
  }

  @Test
  void substitutesTrialMetadataReferences() {
    String yaml =
        katibExample("random")
            .replace(
                "    trialParameters:\n",
                "    trialParameters:\n      - name: trialName\n        reference: ${trialSpec.Name}\n"
                    + "      - name: team\n        reference: ${trialSpec.Labels[team]}\n")
            .replace("--epochs=1", "--run=${trialParameters.trialName}-${trialParameters.team}")
            .replace(
                "      kind: Job\n",
                "      kind: Job\n      metadata:\n        labels: {team: vision}\n");
    Experiment experiment = new ExperimentLoader().load(yaml);

    String rendered =
        new TrialRenderer(experiment)
            .renderYaml("t-1", null, Map.of("lr", "0.01", "momentum", "0.5"));

    assertThat(rendered)
        .contains("--run=t-1-vision")
        .contains("name: t-1")
        .contains("team: vision")
        .doesNotContain("${");
  }

  @Test
  void refusesAssignmentsOfOtherParameters() {
    Experiment experiment = new ExperimentLoader().load(katibExample("random"));

    assertThatThrownBy(() -> new TrialRenderer(experiment).render("t", null, Map.of("lr", "0.01")))
        .hasMessage("Expected assignments of the parameters [lr, momentum], but found [lr]");
  }
}
