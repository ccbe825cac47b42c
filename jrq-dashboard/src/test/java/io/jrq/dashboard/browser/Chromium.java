package io.jrq.dashboard.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrq.testkit.Requirements;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through chromedriver, both the system's own (Debian's chromium and
 * chromium-driver packages): the driver executable and the browser binary are given explicitly, so
 * Selenium Manager is never asked to find or download either. Each instance has a fresh profile in
 * a temporary directory, removed on {@link #close()}.
 *
 * <p>Starting a browser takes about a second, so a test class starts one in {@code @BeforeAll} and
 * its tests share it, clearing cookies where they need a fresh session. When either binary is
 * missing, {@link #start()} skips the test (or fails it under {@code JRQ_STRICT_TESTS=1}).
 */
final class Chromium implements AutoCloseable {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Selenium warns on every start that it has no CDP classes for this Chromium version; the tests
     * use only the CDP commands chromedriver itself forwards, so that is noise. Held here so the
     * setting is not collected.
     */
    private static final java.util.logging.Logger CDP_LOG =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** @return a running headless browser; skips the calling test when Chromium is not installed */
    static Chromium start() {
        Requirements.require(Files.isExecutable(BROWSER), BROWSER + " not found: apt-get install chromium");
        Requirements.require(Files.isExecutable(DRIVER), DRIVER + " not found: apt-get install chromium-driver");
        // Belt and braces: with the driver given, Selenium never runs Selenium Manager; these say the same.
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        System.setProperty("SE_OFFLINE", "true");
        CDP_LOG.setLevel(Level.SEVERE);
        Path profile;
        try {
            profile = Files.createTempDirectory("jrq-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toString());
        // the performance log carries every response's status, which a page itself cannot show
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--window-size=1400,1000",
                "--user-data-dir=" + profile);
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            delete(profile);
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new Chromium(service, driver, profile);
    }

    /** @return the driver */
    ChromeDriver driver() {
        return driver;
    }

    /** @param script JavaScript to run in the current page @return what it returns */
    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Reads the browser's network log since the last call and returns the HTTP status of the last
     * response to {@code url} in it.
     *
     * @param url an absolute URL the browser loaded
     * @return its status, or -1 when no response to it was logged since the last call
     */
    int statusOf(String url) {
        int status = -1;
        for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                JsonNode m = JSON.readTree(e.getMessage()).path("message");
                if (m.path("method").asText().equals("Network.responseReceived")
                        && m.path("params")
                                .path("response")
                                .path("url")
                                .asText()
                                .equals(url)) {
                    status = m.path("params").path("response").path("status").asInt(-1);
                }
            } catch (java.io.IOException ex) {
                // not an event of interest
            }
        }
        return status;
    }

    /**
     * @param timeout how long to wait
     * @return a wait on this browser, polling every 50 ms, retrying a condition that met a stale element
     */
    WebDriverWait waitUpTo(Duration timeout) {
        WebDriverWait w = new WebDriverWait(driver, timeout);
        w.pollingEvery(Duration.ofMillis(50));
        // an element found on the page being left goes stale when the next one loads: look again
        w.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return w;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a profile left in /tmp is harmless
        }
    }
}
