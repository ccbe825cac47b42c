package io.jrq.dashboard.browser;

import io.jrq.Jrq;
import io.jrq.Worker;
import io.jrq.dashboard.Authenticator;
import io.jrq.dashboard.Dashboard;
import io.jrq.dashboard.DashboardServer;
import io.jrq.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The dashboard as an operator reaches it: a {@link Jrq} client on a test Redis, the dashboard with
 * its own login, served by {@link DashboardServer} under the base path {@code /jrq} on a free port,
 * and the real workers a test starts (closed with it).
 */
final class LiveDashboard implements AutoCloseable {
    static final String USER = "admin";
    static final String PASSWORD = "correct-horse-1";
    static final String BASE_PATH = "/jrq";
    /** {@code -Djrq.screenshots=true} (or JRQ_SCREENSHOTS=1) makes the browser tests write docs/images. */
    static final boolean SCREENSHOTS =
            Boolean.getBoolean("jrq.screenshots") || "1".equals(System.getenv("JRQ_SCREENSHOTS"));

    final Jrq jrq;
    final Dashboard dashboard;
    final DashboardServer server;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();

    private LiveDashboard(Jrq jrq, Dashboard dashboard, DashboardServer server) {
        this.jrq = jrq;
        this.dashboard = dashboard;
        this.server = server;
    }

    static LiveDashboard start(RedisServer redis) {
        Jrq jrq = Jrq.connect(redis.url());
        Dashboard d = Dashboard.builder(jrq)
                .authenticator(Authenticator.password(USER, PASSWORD))
                .liveInterval(Duration.ofMillis(300))
                .loginDelay(Duration.ofMillis(50))
                .build();
        return new LiveDashboard(jrq, d, DashboardServer.start(d, "127.0.0.1", 0, BASE_PATH));
    }

    /** @param what a word saying what the queue is for @return a queue name no other test uses */
    static String queueName(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** @param path below the dashboard, without a leading slash, e.g. {@code failed?queue=x} @return its absolute URL */
    String url(String path) {
        return server.uri() + path;
    }

    /** @return the origin the dashboard is served from, e.g. {@code http://127.0.0.1:41234} */
    String origin() {
        return "http://127.0.0.1:" + server.port();
    }

    /** @return the job page's URL */
    String jobUrl(String queue, String id) {
        return url("queues/" + queue + "/jobs/" + id);
    }

    /**
     * Starts a worker with test-friendly settings (short shutdown grace, no signal handlers); it is
     * closed with this dashboard.
     */
    Worker worker(String queue, UnaryOperator<Worker.Builder> config) {
        Worker.Builder b =
                jrq.worker(queue).shutdownGrace(Duration.ofSeconds(2)).handleSignals(false);
        Worker w = config.apply(b).start();
        workers.add(w);
        return w;
    }

    /** Logs the browser in through the login form, leaving it on the overview. */
    void login(Chromium browser) {
        browser.driver().executeCdpCommand("Network.clearBrowserCookies", Map.of());
        browser.driver().get(url("login"));
        browser.driver().findElement(By.name("user")).sendKeys(USER);
        browser.driver().findElement(By.name("password")).sendKeys(PASSWORD);
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();
        browser.waitUpTo(Duration.ofSeconds(10))
                .until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
    }

    /** @return the text of the current page's body, as the user reads it */
    static String pageText(Chromium browser) {
        return browser.driver().findElement(By.tagName("body")).getText();
    }

    /** @return an element's text as written, ignoring CSS text-transform */
    static String textOf(WebElement e) {
        return e.getDomProperty("textContent").trim();
    }

    /**
     * Saves what the browser shows as {@code docs/images/dashboard-<name>.png} at the repository
     * root, when screenshots were asked for; otherwise does nothing, so plain test runs leave the
     * tree alone.
     */
    static void screenshot(Chromium browser, String name) {
        if (!SCREENSHOTS) {
            return;
        }
        // failsafe runs with the module as working directory; the repository root is its parent
        Path cwd = Path.of("").toAbsolutePath();
        Path root = cwd;
        while (root != null && !Files.isDirectory(root.resolve("jrq-dashboard"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("no repository root (a directory holding jrq-dashboard) above " + cwd);
        }
        Path dir = root.resolve("docs").resolve("images");
        try {
            Files.createDirectories(dir);
            Files.write(
                    dir.resolve("dashboard-" + name + ".png"), browser.driver().getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            try {
                w.close();
            } catch (RuntimeException e) {
                // keep closing the rest
            }
        }
        server.close();
        dashboard.close();
        jrq.close();
    }
}
