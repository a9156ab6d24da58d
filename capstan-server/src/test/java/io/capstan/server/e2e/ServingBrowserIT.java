package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.CapstanServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models, services and queues in a real Chromium: an alias moved on the model page, a service's
 * canary set to 20% and rolled back on its page, and an admin's quota set on the cluster page
 * making a job wait, with the scheduler's reason shown among the waiting jobs.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingBrowserIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-ui-serving-it");
  private static final String PROJECT = "ml";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.home", () -> ServerFixture.repository().toString());
    registry.add("capstan.stop-grace-period", () -> "2s");
    registry.add("capstan.runtime.local.gpus", () -> "0,1");
    registry.add("capstan.runtime.local.cgroups", () -> "off");
    registry.add("capstan.serving.gateway.launch", () -> "auto");
    registry.add("capstan.serving.gateway.stop-with-server", () -> "true");
  }

  @Value("${local.server.port}")
  int port;

  private TestingHttp http;
  private TestingBrowser browser;
  private String alice;

  @BeforeAll
  void setUp() {
    http = new TestingHttp("http://127.0.0.1:" + port);
    alice = ServerFixture.userWithProject(http, ServerFixture.adminToken(DATA), "alice", PROJECT);
    ServerFixture.registerLinearModel(http, alice, PROJECT, "linear");
    ServerFixture.registerLinearModel(http, alice, PROJECT, "linear");
    browser = TestingBrowser.start("http://127.0.0.1:" + port);
    browser.signIn(alice);
  }

  @AfterAll
  void stop() {
    if (http != null) {
      http.delete(alice, "/api/v1/projects/ml/services/lin");
    }
    if (browser != null) {
      browser.close();
    }
    ServerFixture.killReplicas(DATA);
  }

  @Test
  @Order(1)
  void anAliasIsAddedAndMovedOnTheModelPage() {
    browser.open("#/p/ml/models");
    browser.await(By.cssSelector("tr[data-key=linear] a")).click();
    browser.await(By.cssSelector("tr[data-key='2']"));

    WebElement add = browser.await(By.id("new-alias"));
    add.findElement(By.name("alias")).sendKeys("prod");
    new Select(add.findElement(By.name("version"))).selectByVisibleText("1");
    add.findElement(By.cssSelector("button")).click();
    WebElement move = browser.await(By.cssSelector("form[data-alias=prod]"));
    new Select(move.findElement(By.name("version"))).selectByVisibleText("2");
    move.findElement(By.cssSelector("button")).click();

    browser.until(
        Duration.ofSeconds(10),
        d ->
            d.findElement(By.cssSelector("#aliases tr[data-key=prod] td:nth-child(2)"))
                .getText()
                .equals("2"));
    String aliases = http.get(alice, "/api/v1/projects/ml/models/linear/aliases").body();
    assertThat(JSON.readTree(aliases).get(0).get("alias").asString()).isEqualTo("prod");
    assertThat(JSON.readTree(aliases).get(0).get("version").asInt()).isEqualTo(2);
    browser.screenshot("model");
  }

  @Test
  @Order(2)
  void theCanaryGoesTo20PercentAndIsRolledBack() {
    TestingHttp.Answer created =
        http.post(
            alice,
            "/api/v1/projects/ml/services",
            "application/json",
            "{\"name\":\"lin\",\"model\":\"linear:1\",\"minReplicas\":1,"
                + "\"resources\":{\"cpu\":\"250m\",\"memory\":\"512Mi\"}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    browser.open("#/p/ml/services");
    browser.await(By.cssSelector("tr[data-key=lin] a")).click();
    browser.awaitText(By.cssSelector("main h1"), "Ready", Duration.ofMinutes(2));

    browser.await(By.id("canary-model")).sendKeys("linear:2");
    WebElement percent = browser.await(By.id("canary-percent"));
    percent.clear();
    percent.sendKeys("20");
    browser.await(By.id("set-traffic")).click();

    browser.awaitText(By.id("split"), "canary v2: 20%", Duration.ofSeconds(20));
    browser.awaitText(By.id("split"), "Stable v1: 80%", Duration.ofSeconds(1));
    browser.screenshot("service");
    browser.await(By.id("rollback")).click();
    browser.awaitText(By.id("split"), "no canary", Duration.ofSeconds(20));
    String service = http.get(alice, "/api/v1/projects/ml/services/lin").body();
    assertThat(JSON.readTree(service).get("status").get("canaryPercent").asInt()).isZero();
  }

  @Test
  @Order(3)
  void anAdminSetsAQuotaAndTheWaitingJobShowsWhy() {
    browser.signOut();
    browser.signIn(ServerFixture.adminToken(DATA));
    browser.open("#/cluster");
    WebElement form = browser.await(By.cssSelector("form.quota-form[data-project=ml]"));
    setField(form, "gpu", "1");
    setField(form, "borrow-gpu", "0");
    form.findElement(By.cssSelector("button")).click();
    browser.until(
        Duration.ofSeconds(10),
        d -> {
          String quota = http.get(alice, "/api/v1/projects/ml/quota").body();
          return JSON.readTree(quota).get("quota").get("nominal").get("gpu").asString().equals("1");
        });

    submitGpuJob("holder", "sleep 120");
    awaitPhase("holder", "Running");
    submitGpuJob("waiter", "echo ran");

    By row = By.cssSelector("#waiting tr[data-key='ml/waiter']");
    try {
      browser.await(row);
      browser.until(
          Duration.ofSeconds(20),
          d -> {
            String reason = job("waiter").get("status").get("message").asString();
            return !reason.isBlank() && d.findElement(row).getText().contains(reason);
          });
    } catch (RuntimeException e) {
      browser.screenshot("cluster-failed");
      throw new AssertionError(
          "The waiting job's reason is not on the page; the job: "
              + job("waiter")
              + "; the page: "
              + browser.driver().findElement(By.id("main")).getText(),
          e);
    }
    assertThat(browser.driver().findElement(row).getText()).containsIgnoringCase("gpu");
    browser.screenshot("cluster");
    http.post(alice, "/api/v1/projects/ml/jobs/holder/cancel", null, "");
    http.post(alice, "/api/v1/projects/ml/jobs/waiter/cancel", null, "");
  }

  private static void setField(WebElement form, String name, String value) {
    WebElement field = form.findElement(By.name(name));
    field.clear();
    field.sendKeys(value);
  }

  private void submitGpuJob(String name, String command) {
    TestingHttp.Answer answer =
        http.post(
            alice,
            "/api/v1/projects/ml/jobs",
            "application/yaml",
            """
            apiVersion: capstan.io/v1
            kind: TrainingJob
            metadata: {name: %s}
            spec:
              replicas:
                - role: worker
                  count: 1
                  resources: {cpu: 100m, memory: 64Mi, gpu: 1}
                  command: [sh, -c, "%s"]
            """
                .formatted(name, command));
    assertThat(answer.status()).as(answer.body()).isEqualTo(201);
  }

  private tools.jackson.databind.JsonNode job(String name) {
    return JSON.readTree(http.get(alice, "/api/v1/projects/ml/jobs/" + name).body());
  }

  private void awaitPhase(String name, String phase) {
    browser.until(
        Duration.ofSeconds(30), d -> job(name).get("status").get("phase").asString().equals(phase));
  }
}
