package io.capstan.server.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by Debian's ChromeDriver (both paths given, so Selenium
 * downloads nothing), with a fresh profile: one per test class. Screenshots go to {@code
 * target/screenshots/} for CI to keep.
 */
final class TestingBrowser implements AutoCloseable {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final String base;
  private final Path profile;
  private final ChromeDriver driver;

  private TestingBrowser(String base, Path profile, ChromeDriver driver) {
    this.base = base;
    this.profile = profile;
    this.driver = driver;
  }

  /** Starts Chromium for the console at {@code base} (http://127.0.0.1:PORT). */
  static TestingBrowser start(String base) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(
          "Expected Debian's chromium and chromium-driver at "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + " (apt-get install chromium chromium-driver; .ci/run installs them), but they are"
              + " missing");
    }
    try {
      Path profile = Files.createTempDirectory("capstan-chromium");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-background-networking",
          "--no-first-run",
          "--disable-dev-shm-usage",
          "--window-size=1400,1000",
          "--user-data-dir=" + profile);
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
              .usingAnyFreePort()
              .build();
      return new TestingBrowser(base, profile, new ChromeDriver(service, options));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  WebDriver driver() {
    return driver;
  }

  /** Opens the console at {@code hash} ({@code #/p/default/jobs}), as a typed URL would. */
  void open(String hash) {
    driver.get(base + "/" + hash);
  }

  /** Signs in with an API token on the sign-in page and waits for the signed-in layout. */
  void signIn(String token) {
    open("");
    WebElement field = await(By.id("token"));
    field.sendKeys(token);
    driver.findElement(By.id("signin")).click();
    await(By.id("whoami"));
  }

  /** Signs out through the layout's button and waits for the sign-in page. */
  void signOut() {
    await(By.id("signout")).click();
    await(By.id("token"));
  }

  WebElement await(By by) {
    return until(Duration.ofSeconds(20), d -> d.findElements(by).stream().findFirst().orElse(null));
  }

  <T> T until(Duration timeout, Function<WebDriver, T> condition) {
    // A live page redraws: an element read while it was replaced is read again on the next poll.
    return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** Clicks the element {@code by}, found again when a live section redrew it meanwhile. */
  void click(By by) {
    until(
        Duration.ofSeconds(20),
        d -> {
          d.findElement(by).click();
          return true;
        });
  }

  /** Waits until the element {@code by} shows {@code text}. */
  void awaitText(By by, String text, Duration timeout) {
    until(
        timeout,
        d -> {
          List<WebElement> found = d.findElements(by);
          return !found.isEmpty() && found.get(0).getText().contains(text);
        });
  }

  String fragment() {
    String url = driver.getCurrentUrl();
    int hash = url.indexOf('#');
    return hash < 0 ? "" : url.substring(hash);
  }

  /** Replaces the text of an input or textarea at once, as a paste would. */
  void setValue(WebElement field, String text) {
    ((JavascriptExecutor) driver)
        .executeScript(
            "arguments[0].value = arguments[1];"
                + " arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            field,
            text);
  }

  /** Runs an async script in the page; it calls its last argument with its result. */
  Object script(String js, Object... args) {
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
  }

  void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(
          SCREENSHOTS.resolve(name + ".png"),
          ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
    try (var files = Files.walk(profile)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // The profile is in the temporary directory; a leftover file there is harmless.
    }
  }
}
