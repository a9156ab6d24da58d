package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.CapstanServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * The console's workbench pages in a real Chromium: a notebook created from its form runs real
 * Jupyter and opens through the proxy with the console's session; a dataset with its versions and
 * mount line; the form-based new job with a refused field's error at that field, then its metrics
 * charted per replica and compared with another job's at a shareable URL.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkbenchBrowserIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-ui-workbench-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.home", () -> ServerFixture.repository().toString());
    registry.add("capstan.stop-grace-period", () -> "3s");
    registry.add("capstan.notebooks.poll-interval", () -> "500ms");
  }

  @Value("${local.server.port}")
  int port;

  private TestingBrowser browser;
  private String admin;

  @BeforeAll
  void startBrowser() {
    admin = ServerFixture.adminToken(DATA);
    browser = TestingBrowser.start("http://127.0.0.1:" + port);
    browser.signIn(admin);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    ServerFixture.killReplicas(DATA);
  }

  @Test
  void notebookCreatedFromTheFormRunsAndOpensThroughTheProxy() {
    browser.open("#/p/default/notebooks");
    browser.await(By.cssSelector("[data-nav=notebooks][aria-current=page]"));
    WebElement name = browser.await(By.id("f-name"));
    name.sendKeys("Bad_Name");
    browser.driver().findElement(By.id("create-notebook")).click();
    WebElement error = browser.await(By.cssSelector("#f-name-error:not([hidden])"));
    assertThat(error.getText()).contains("but was 'Bad_Name'");
    assertThat(name.getAttribute("aria-invalid")).isEqualTo("true");

    name.clear();
    name.sendKeys("ui-lab");
    WebElement cpu = browser.driver().findElement(By.id("f-cpu"));
    cpu.clear();
    cpu.sendKeys("500m");
    browser.driver().findElement(By.id("create-notebook")).click();

    By row = By.cssSelector("tr[data-key=ui-lab]");
    browser.awaitText(row, "Running", Duration.ofMinutes(3));
    WebElement open = browser.await(By.cssSelector("tr[data-key=ui-lab] a.open"));
    assertThat(open.getAttribute("href")).endsWith("/notebooks/default/ui-lab/");
    assertThat(browser.driver().findElement(row).getText()).contains("500m CPU, 2Gi");
    browser.screenshot("notebooks");
    // The console's session cookie is what the proxy signs in by: Jupyter answers the link.
    Object status =
        browser.script(
            "const done = arguments[arguments.length - 1];"
                + " fetch(arguments[0] + 'api/status', {credentials: 'same-origin'})"
                + ".then((r) => done(r.status), (e) => done(String(e)));",
            open.getAttribute("href"));
    assertThat(status).isEqualTo(200L);

    browser.click(By.cssSelector("tr[data-key=ui-lab] button.stop"));
    browser.awaitText(row, "Stopped", Duration.ofMinutes(1));
    assertThat(browser.driver().findElements(By.cssSelector("tr[data-key=ui-lab] a.open")))
        .isEmpty();
    browser.await(By.cssSelector("tr[data-key=ui-lab] button.start"));
  }

  @Test
  void datasetIsListedWithWhoCanReadItAndItsMountLine() {
    ServerFixture.dataset(
        "http://127.0.0.1:" + port,
        admin,
        "default",
        "digits",
        "labels.txt",
        "0\n1\n",
        "images.txt",
        "x".repeat(4096));
    browser.open("#/p/default/datasets");
    WebElement row = browser.await(By.cssSelector("tr[data-key='default/digits']"));
    assertThat(row.getText()).contains("private to default").contains("--data digits@1");
    row.findElement(By.cssSelector("a")).click();
    WebElement version = browser.await(By.cssSelector("#versions tr[data-key='1']"));
    assertThat(version.getText()).contains("2").contains("4KiB").contains("upload");
    assertThat(browser.driver().findElement(By.id("readers")).getText())
        .contains("private to default");
    browser.screenshot("dataset");
  }

  @Test
  void formSubmitsAJobWhoseMetricsAreChartedPerReplicaAndCompared() {
    browser.open("#/p/default/new/form");
    WebElement workers = browser.await(By.id("f-workers"));
    browser.setValue(browser.await(By.id("f-name")), "ui-metrics");
    browser.setValue(
        browser.driver().findElement(By.id("f-command")),
        "for i in 1 2 3 4 5; do echo \"step=$i loss=0.$((10 - i))\"; done");
    browser.setValue(browser.driver().findElement(By.id("f-cpu")), "200m");
    browser.setValue(browser.driver().findElement(By.id("f-memory")), "128Mi");
    browser.setValue(workers, "0");
    assertThat(browser.driver().findElement(By.id("form-yaml")).getText())
        .contains("kind: TrainingJob")
        .contains("count: 0");
    browser.driver().findElement(By.id("submit")).click();

    WebElement error = browser.await(By.cssSelector("#f-workers-error:not([hidden])"));
    assertThat(error.getText()).contains("but was 0");
    assertThat(error.getAttribute("data-field")).isEqualTo("spec.replicas[0].count");
    assertThat(workers.getAttribute("aria-invalid")).isEqualTo("true");
    // Shown at the field: right below the workers input.
    int below = workers.getRect().getY() + workers.getRect().getHeight();
    assertThat(error.getRect().getY()).isBetween(below - 2, below + 24);
    browser.screenshot("job-form-error");
    assertThat(browser.fragment()).isEqualTo("#/p/default/new/form");

    browser.setValue(workers, "2");
    browser.driver().findElement(By.id("submit")).click();
    browser.until(
        Duration.ofSeconds(20), d -> browser.fragment().equals("#/p/default/jobs/ui-metrics"));
    browser.awaitText(By.id("phase"), "Succeeded", Duration.ofMinutes(2));
    By loss = By.cssSelector("figure[data-metric=loss][data-points='10']");
    WebElement chart = browser.until(Duration.ofSeconds(20), d -> d.findElement(loss));
    List<WebElement> lines = chart.findElements(By.cssSelector("path[data-series]"));
    assertThat(lines)
        .extracting(l -> l.getAttribute("data-series") + "=" + l.getAttribute("data-points"))
        .containsExactly("worker-0=5", "worker-1=5");
    assertThat(chart.findElements(By.cssSelector("circle"))).hasSize(10);
    // The table of latest values is the charts' text.
    assertThat(
            browser.driver().findElement(By.cssSelector("tr[data-key='loss/worker-1']")).getText())
        .contains("5")
        .contains("0.5");
    assertThat(browser.driver().findElement(By.id("spec")).getText())
        .contains("name: \"ui-metrics\"");
    browser.screenshot("job-metrics");

    submitMetricsJob("ui-metrics-2");
    browser.open("#/p/default/compare?metric=loss&jobs=ui-metrics,ui-metrics-2");
    WebElement compared =
        browser.until(
            Duration.ofSeconds(20),
            d -> d.findElement(By.cssSelector("#compare-chart[data-points='10']")));
    assertThat(compared.findElements(By.cssSelector("path[data-series]")))
        .extracting(l -> l.getAttribute("data-series"))
        .containsExactly("ui-metrics", "ui-metrics-2");
    assertThat(browser.driver().findElement(By.id("comparison")).getText()).contains("0.2");
    browser.screenshot("compare");
  }

  /** A one-replica job through the API that prints five loss values, waited for to succeed. */
  private void submitMetricsJob(String name) {
    TestingHttp http = new TestingHttp("http://127.0.0.1:" + port);
    ServerFixture.submitShellJob(
        http,
        admin,
        "default",
        name,
        "for i in 1 2 3 4 5; do echo step=$i loss=0.$((7 - i)); done");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> ServerFixture.jobPhase(http, admin, "default", name).equals("Succeeded"));
  }
}
