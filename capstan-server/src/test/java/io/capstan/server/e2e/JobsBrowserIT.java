package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.CapstanServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The jobs pages in a real Chromium: sign in with a token, submit the DDP example from the YAML
 * page and watch it succeed with both ranks' logs arriving live, a refused spec's error at its
 * field, the back button through filtered URLs, and the CSRF guard on the session cookie.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsBrowserIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-ui-jobs-it");
  private static final Path EXAMPLES = ServerFixture.repository().resolve("examples");

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

  @BeforeEach
  void signedIn() {
    browser.open("#/p/default/jobs");
    browser.await(By.id("whoami"));
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    ServerFixture.killReplicas(DATA);
  }

  @Test
  void ddpExampleSubmittedFromTheYamlPageSucceedsWithBothRanksLogsLive() throws Exception {
    String yaml =
        Files.readString(EXAMPLES.resolve("pytorch-ddp/job.yaml"))
            .replace("name: pytorch-ddp", "name: ui-ddp");
    browser.await(By.cssSelector("[data-nav=new]")).click();
    browser.setValue(browser.await(By.id("yaml")), yaml);
    browser.screenshot("new-job");
    browser.driver().findElement(By.id("submit")).click();

    browser.until(
        Duration.ofSeconds(20), d -> browser.fragment().equals("#/p/default/jobs/ui-ddp"));
    Set<String> phases = new LinkedHashSet<>();
    browser.until(
        Duration.ofMinutes(3),
        d -> {
          String phase = d.findElement(By.id("phase")).getText();
          phases.add(phase);
          return phase.equals("Succeeded") || phase.equals("Failed");
        });
    assertThat(phases).as("phases seen by the page").contains("Running").endsWith("Succeeded");
    browser.awaitText(By.id("log"), "[worker-0] rank 0/2 epoch 5 loss", Duration.ofSeconds(20));
    browser.awaitText(By.id("log"), "[worker-1] rank 1/2 epoch 5 loss", Duration.ofSeconds(20));
    assertThat(browser.driver().findElements(By.cssSelector("tr[data-key^=worker-]"))).hasSize(2);
    // The node each rank ran on (this machine's, on the local runtime).
    assertThat(
            browser.driver().findElement(By.cssSelector("tr[data-key=worker-1] td.node")).getText())
        .isNotBlank()
        .isNotEqualTo("—");
    assertThat(browser.driver().findElement(By.id("spec")).getText())
        .contains("A 2-rank PyTorch DDP job in Capstan's own format");
    browser.screenshot("job");

    browser.open("#/p/default/jobs");
    browser.await(By.cssSelector("tr[data-key=ui-ddp]"));
    browser.screenshot("jobs");
  }

  @Test
  void refusedSpecShowsItsErrorAtTheFieldsLine() {
    String yaml =
        """
        apiVersion: capstan.io/v1
        kind: TrainingJob
        metadata:
          name: no-replicas
        spec:
          replicas:
            - role: worker
              count: 0
              command: ["true"]
        """;
    browser.open("#/p/default/new");
    browser.setValue(browser.await(By.id("yaml")), yaml);
    browser.driver().findElement(By.id("submit")).click();

    WebElement marker = browser.await(By.cssSelector("#field-error:not([hidden])"));
    assertThat(marker.getAttribute("data-field")).isEqualTo("spec.replicas[0].count");
    assertThat(marker.getAttribute("data-line")).isEqualTo("8");
    assertThat(marker.getText()).contains("spec.replicas[0].count").contains("but was 0");
    WebElement editor = browser.driver().findElement(By.id("yaml"));
    assertThat(editor.getAttribute("aria-invalid")).isEqualTo("true");
    // Shown at the field: just below line 8 of the editor, not somewhere else on the page.
    int lineTop = editor.getRect().getY() + 8 + 7 * 20;
    assertThat(marker.getRect().getY()).isBetween(lineTop, lineTop + 2 * 20);
    browser.screenshot("field-error");
    assertThat(browser.fragment()).isEqualTo("#/p/default/new");
  }

  @Test
  void backButtonReturnsToTheFilteredList() {
    String name = submitQuickJob("back-button");
    new Select(browser.await(By.id("filter-phase"))).selectByVisibleText("Succeeded");
    browser.until(Duration.ofSeconds(10), d -> browser.fragment().contains("phase=Succeeded"));
    browser.await(By.cssSelector("tr[data-key=" + name + "] a")).click();
    browser.await(By.id("phase"));
    assertThat(browser.fragment()).isEqualTo("#/p/default/jobs/" + name);

    browser.driver().navigate().back();

    browser.until(Duration.ofSeconds(10), d -> browser.fragment().contains("phase=Succeeded"));
    WebElement phase = browser.await(By.id("filter-phase"));
    assertThat(new Select(phase).getFirstSelectedOption().getText()).isEqualTo("Succeeded");
    browser.await(By.cssSelector("tr[data-key=" + name + "]"));

    // "Mine" filters by the signed-in user, who submitted it.
    browser.click(By.id("filter-mine"));
    browser.until(Duration.ofSeconds(10), d -> browser.fragment().contains("user=admin"));
    WebElement row = browser.await(By.cssSelector("tr[data-key=" + name + "]"));
    assertThat(row.findElement(By.cssSelector("td.user")).getText())
        .as("the User column names who submitted the job")
        .isEqualTo("admin");
    assertThat(browser.driver().findElement(By.id("filter-user")).getAttribute("value"))
        .isEqualTo("admin");
  }

  @Test
  void stateChangingCallWithoutTheCsrfHeaderIsRefused() {
    String script =
        """
        const done = arguments[arguments.length - 1];
        const csrf = document.cookie.match(/capstan_csrf=([^;]+)/)[1];
        const call = (headers) => fetch('/api/v1/projects/default/jobs/nothing-here/cancel',
            {method: 'POST', credentials: 'same-origin', headers})
          .then(async (r) => ({status: r.status, body: await r.text()}));
        const session = fetch('/api/v1/auth/session',
            {method: 'POST', credentials: 'same-origin', headers: {'X-Capstan-CSRF': csrf}})
          .then(async (r) => ({status: r.status, body: await r.text()}));
        Promise.all([call({}), call({'X-Capstan-CSRF': 'forged'}),
                     call({'X-Capstan-CSRF': csrf}), session])
          .then(done, (e) => done(String(e)));
        """;

    @SuppressWarnings("unchecked")
    java.util.List<Map<String, Object>> answers =
        (java.util.List<Map<String, Object>>) browser.script(script);

    assertThat(answers.get(0).get("status")).isEqualTo(403L);
    assertThat((String) answers.get(0).get("body")).contains("X-Capstan-CSRF");
    assertThat(answers.get(1).get("status")).isEqualTo(403L);
    // With the header, the same call reaches the API: the job does not exist.
    assertThat(answers.get(2).get("status")).isEqualTo(404L);
    // A session cannot start another: only an API token can.
    assertThat(answers.get(3).get("status")).isEqualTo(401L);
    assertThat((String) answers.get(3).get("body")).contains("\"field\":\"Authorization\"");
    // The session cookie itself is out of the page's reach.
    assertThat((String) browser.script("arguments[0](document.cookie)"))
        .contains("capstan_csrf=")
        .doesNotContain("capstan_session");
  }

  @Test
  void theConsoleIsServedWithAPolicyThatAllowsOnlyItsOwnFiles() throws Exception {
    java.net.http.HttpResponse<String> page =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<script type=\"module\" src=\"/ui/app.js\">");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            policy -> assertThat(policy).contains("default-src 'self'", "frame-ancestors 'none'"));
    // Every page of these tests ran under that policy: a violation is an error in the console.
    assertThat(browser.driver().manage().logs().get("browser").getAll())
        .noneMatch(entry -> entry.getMessage().contains("Content Security Policy"));
  }

  /** Submits a one-replica job that prints a line and succeeds, through the API; its name. */
  private String submitQuickJob(String name) {
    ServerFixture.submitShellJob(
        new TestingHttp("http://127.0.0.1:" + port),
        ServerFixture.adminToken(DATA),
        "default",
        name,
        "echo done");
    browser.open("#/p/default/jobs/" + name);
    browser.awaitText(By.id("phase"), "Succeeded", Duration.ofMinutes(1));
    browser.open("#/p/default/jobs");
    return name;
  }
}
