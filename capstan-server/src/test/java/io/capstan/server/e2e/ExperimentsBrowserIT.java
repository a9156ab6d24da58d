package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.CapstanServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console's experiments pages in a real Chromium: a refused Katib Experiment's error names its
 * field; an accepted one runs its trials as jobs, and its page shows the phase, the trials table,
 * the objective of each trial with the best so far, the parallel-coordinates view and the command
 * that registers the best trial's model.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExperimentsBrowserIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-ui-experiments-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.home", () -> ServerFixture.repository().toString());
    registry.add("capstan.stop-grace-period", () -> "3s");
  }

  @Value("${local.server.port}")
  int port;

  private TestingBrowser browser;

  @BeforeAll
  void startBrowser() {
    browser = TestingBrowser.start("http://127.0.0.1:" + port);
    browser.signIn(ServerFixture.adminToken(DATA));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    ServerFixture.killReplicas(DATA);
  }

  @Test
  void anExperimentCreatedFromItsYamlRunsAndShowsItsTrialsChartsAndBestTrial() {
    browser.open("#/p/default/experiments");
    browser.await(By.cssSelector("[data-nav=experiments][aria-current=page]"));
    WebElement yaml = browser.await(By.id("experiment-yaml"));
    browser.setValue(yaml, experiment("ui-grid", "annealing"));
    browser.click(By.id("create-experiment"));
    WebElement error = browser.await(By.id("experiment-error"));
    browser.until(Duration.ofSeconds(20), d -> !error.getText().isEmpty());
    assertThat(error.getText()).contains("spec.algorithm.algorithmName").contains("annealing");

    browser.setValue(yaml, experiment("ui-grid", "grid"));
    browser.click(By.id("create-experiment"));
    browser.until(
        Duration.ofSeconds(20), d -> browser.fragment().equals("#/p/default/experiments/ui-grid"));
    browser.awaitText(By.id("phase"), "Succeeded", Duration.ofMinutes(3));

    assertThat(browser.driver().findElements(By.cssSelector("#trials tbody tr"))).hasSize(3);
    assertThat(browser.driver().findElement(By.id("best")).getText())
        .contains("loss=0.25")
        .contains("value=0.25");
    assertThat(browser.driver().findElement(By.id("register")).getText())
        .startsWith("capstan model register ui-grid --from-job ui-grid-");
    browser.awaitText(By.cssSelector("#objective-chart figcaption"), "loss", Duration.ofSeconds(5));
    WebElement objective = browser.driver().findElement(By.id("objective-chart"));
    assertThat(objective.getAttribute("data-points"))
        .as("3 trials and 3 best-so-far")
        .isEqualTo("6");
    assertThat(browser.driver().findElement(By.id("parallel-chart")).getAttribute("data-lines"))
        .isEqualTo("3");
    browser.screenshot("experiment");

    browser.open("#/p/default/experiments");
    WebElement row = browser.await(By.cssSelector("tr[data-key=ui-grid]"));
    browser.awaitText(By.cssSelector("tr[data-key=ui-grid]"), "Succeeded", Duration.ofSeconds(20));
    assertThat(row.getText()).contains("grid").contains("minimize loss").contains("0.25");
  }

  /**
   * A grid over three loss values; each trial is a Kubernetes Job, as in Katib's examples, that
   * prints its loss.
   */
  private static String experiment(String name, String algorithm) {
    return """
        apiVersion: kubeflow.org/v1beta1
        kind: Experiment
        metadata: {name: %s}
        spec:
          objective: {type: minimize, objectiveMetricName: loss}
          algorithm: {algorithmName: %s}
          parallelTrialCount: 3
          maxTrialCount: 3
          parameters:
            - name: value
              parameterType: discrete
              feasibleSpace: {list: ["0.5", "0.25", "1"]}
          trialTemplate:
            primaryContainerName: main
            trialParameters:
              - {name: value, reference: value}
            trialSpec:
              apiVersion: batch/v1
              kind: Job
              spec:
                template:
                  spec:
                    restartPolicy: Never
                    containers:
                      - name: main
                        image: capstan/examples:latest
                        command: [sh, -c, "echo step=1 loss=${trialParameters.value}"]
                        resources: {limits: {cpu: 200m, memory: 128Mi}}
        """
        .formatted(name, algorithm);
  }
}
