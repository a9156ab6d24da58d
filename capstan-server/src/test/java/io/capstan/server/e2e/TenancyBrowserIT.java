package io.capstan.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.capstan.server.CapstanServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
 * Who sees what in a real Chromium: a member of project alpha never sees project beta's names on
 * any page (jobs, notebooks, datasets) and gets the not-found page at beta's URLs; a viewer sees no
 * button she cannot use.
 */
@SpringBootTest(
    classes = CapstanServer.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenancyBrowserIT {
  private static final Path DATA = ServerFixture.newDataDir("capstan-ui-tenancy-it");

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("capstan.data-dir", DATA::toString);
    registry.add("capstan.stop-grace-period", () -> "3s");
  }

  @Value("${local.server.port}")
  int port;

  private TestingBrowser browser;
  private String alice;
  private String vera;

  @BeforeAll
  void setUp() {
    TestingHttp http = new TestingHttp("http://127.0.0.1:" + port);
    String admin = ServerFixture.adminToken(DATA);
    alice = ServerFixture.userWithProject(http, admin, "alice", "alpha");
    String bob = ServerFixture.userWithProject(http, admin, "bob", "beta");
    vera = ServerFixture.userWithProject(http, admin, "vera", "vera-own");
    TestingHttp.Answer member =
        http.put(
            alice, "/api/v1/projects/alpha/members", "{\"user\":\"vera\",\"role\":\"viewer\"}");
    assertThat(member.status()).as(member.body()).isIn(200, 201, 204);
    ServerFixture.submitShellJob(http, alice, "alpha", "alpha-train", "echo started; sleep 120");
    ServerFixture.submitShellJob(http, bob, "beta", "beta-secret-train", "echo started; sleep 120");
    stoppedNotebook(http, alice, "alpha", "alpha-lab");
    stoppedNotebook(http, bob, "beta", "beta-secret-lab");
    String url = "http://127.0.0.1:" + port;
    ServerFixture.dataset(url, alice, "alpha", "alpha-data", "part-0.txt", "alpha");
    ServerFixture.dataset(url, bob, "beta", "beta-secret-data", "part-0.txt", "beta");
    browser = TestingBrowser.start("http://127.0.0.1:" + port);
  }

  @AfterEach
  void signOut() {
    browser.signOut();
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    ServerFixture.killReplicas(DATA);
  }

  @Test
  void memberOfAlphaNeverSeesBetasNamesAndGetsNotFoundAtItsUrls() {
    browser.signIn(alice);
    for (String page :
        new String[] {
          "#/p/alpha/jobs",
          "#/cluster",
          "#/admin",
          "#/p/alpha/new",
          "#/p/alpha/new/form",
          "#/p/alpha/notebooks",
          "#/p/alpha/datasets"
        }) {
      browser.open(page);
      browser.await(By.cssSelector("main h1"));
      if (page.endsWith("jobs")) {
        browser.await(By.cssSelector("tr[data-key=alpha-train]"));
      }
      if (page.endsWith("notebooks")) {
        browser.await(By.cssSelector("tr[data-key=alpha-lab]"));
      }
      if (page.endsWith("datasets")) {
        browser.await(By.cssSelector("tr[data-key='alpha/alpha-data']"));
      }
      if (page.equals("#/cluster")) {
        browser.await(By.cssSelector("#queues .queue"));
        browser.await(By.cssSelector("#nodes table"));
        browser.screenshot("cluster-as-member");
      }
      assertThat(browser.driver().getPageSource()).as(page).doesNotContain("beta");
    }
    browser.open("#/p/alpha/jobs");
    browser.setValue(browser.await(By.id("filter-text")), "secret");
    browser.await(By.cssSelector("#jobs p.empty"));
    assertThat(browser.driver().getPageSource()).doesNotContain("beta");

    for (String foreign :
        new String[] {
          "#/p/beta/jobs",
          "#/p/beta/jobs/beta-secret-train",
          "#/p/beta/models",
          "#/p/beta/new",
          "#/p/beta/notebooks",
          "#/p/beta/datasets/beta-secret-data",
          "#/p/alpha/datasets/beta-secret-data?from=beta"
        }) {
      browser.open(foreign);
      browser.await(By.id("not-found"));
      assertThat(browser.driver().getPageSource()).as(foreign).doesNotContain("beta-secret");
    }
  }

  @Test
  void viewerSeesNoButtonsSheCannotUse() {
    browser.signIn(vera);
    browser.open("#/p/alpha/jobs/alpha-train");
    browser.awaitText(By.id("phase"), "Running", Duration.ofSeconds(60));
    assertThat(browser.driver().findElements(By.id("cancel"))).isEmpty();
    assertThat(browser.driver().findElements(By.id("delete"))).isEmpty();
    assertThat(browser.driver().findElements(By.id("resubmit"))).isEmpty();
    assertThat(browser.driver().findElements(By.cssSelector("[data-nav=new]"))).isEmpty();
    browser.open("#/p/alpha/jobs");
    browser.await(By.cssSelector("tr[data-key=alpha-train]"));
    assertThat(browser.driver().findElements(By.id("new-job"))).isEmpty();
    browser.screenshot("job-as-viewer");
    browser.open("#/p/alpha/notebooks");
    browser.awaitText(By.cssSelector("tr[data-key=alpha-lab]"), "Stopped", Duration.ofSeconds(30));
    assertThat(browser.driver().findElements(By.cssSelector("#notebooks button"))).isEmpty();
    assertThat(browser.driver().findElements(By.cssSelector("#notebooks a.open"))).isEmpty();
    assertThat(browser.driver().findElements(By.id("new-notebook"))).isEmpty();
    browser.signOut();

    // Her project's editor sees them, and the cancel works from the page.
    browser.signIn(alice);
    browser.open("#/p/alpha/jobs/alpha-train");
    WebElement cancel = browser.await(By.id("cancel"));
    cancel.click();
    browser.driver().switchTo().alert().accept();
    browser.awaitText(By.id("phase"), "Cancelled", Duration.ofSeconds(30));
  }

  /** A notebook created and stopped at once: its name is listed, and no Jupyter keeps running. */
  private static void stoppedNotebook(TestingHttp http, String token, String project, String name) {
    String notebooks = "/api/v1/projects/" + project + "/notebooks";
    TestingHttp.Answer created =
        http.post(token, notebooks, "application/json", "{\"name\":\"" + name + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    TestingHttp.Answer stopped = http.post(token, notebooks + "/" + name + "/stop", null, "");
    assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
  }
}
