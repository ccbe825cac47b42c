package io.jrq.dashboard.browser;

import static io.jrq.dashboard.browser.LiveDashboard.pageText;
import static io.jrq.dashboard.browser.LiveDashboard.queueName;
import static io.jrq.dashboard.browser.LiveDashboard.textOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Queue;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Hostile values from Redis (arguments, error messages, progress text, descriptions, meta keys and
 * values, a junk member of the queue registry, and values echoed from the URL) show as plain text on
 * every page, both as first rendered and as the live updates rewrite them: no element or script of
 * theirs appears. The dashboard's CSP would stop inline script anyway, so the checks look for the
 * elements a broken escaping would create (an {@code img}, an {@code onerror} attribute, a
 * {@code javascript:} link), which exist whatever the CSP.
 */
class DashboardXssBrowserIT extends BrowserTestBase {
    private static final Duration WAIT = Duration.ofSeconds(10);
    static final String SCRIPT = "<script>document.title='pwned'</script>";
    static final String IMG = "\"><img src=x onerror=\"window.__xss=1\">";
    static final String JS_URL = "javascript:window.__xss=2";
    static final String ALL = SCRIPT + " " + IMG + " " + JS_URL;
    /** The img payload as a JSON string shows it (quotes escaped). */
    static final String IMG_IN_JSON = "\\\"><img src=x onerror=\\\"window.__xss=1\\\">";
    /** A registry member no queue can be named: the admin API leaves it out. */
    static final String JUNK_QUEUE = "<img src=x onerror=\"window.__xss=3\">";

    @Test
    void hostileValuesShowAsTextOnEveryPage(RedisServer redis) {
        String q = queueName("xss");
        String registry = new Keys("jrq").queues();
        redis.execute("SADD", registry, JUNK_QUEUE);
        Semaphore finish = new Semaphore(0);
        try {
            dash.worker(
                    q,
                    b -> b.concurrency(1).handler("hostile", ctx -> {
                        if (ctx.arg(0, String.class).equals("fail")) {
                            throw new IllegalArgumentException(ALL);
                        }
                        ctx.progress(42, ALL);
                        if (!finish.tryAcquire(20, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the test never let the job end");
                        }
                        return ALL;
                    }));
            Queue queue = dash.jrq
                    .queue(q)
                    .with(EnqueueOptions.builder()
                            .description(ALL)
                            .meta("note", ALL)
                            .meta(IMG, SCRIPT)
                            .build());
            Job<Object> failed = queue.enqueue("hostile", "fail", SCRIPT, IMG, JS_URL);
            Job<Object> running = queue.enqueue("hostile", "run", SCRIPT, IMG, JS_URL);
            Job<Object> waiting = queue.enqueue("hostile", "wait", SCRIPT, IMG, JS_URL);
            await().atMost(WAIT)
                    .until(() -> failed.status() == JobStatus.FAILED
                            && running.progress().isPresent());
            assertThat(waiting.status()).isEqualTo(JobStatus.QUEUED);

            dash.login(browser);
            open("queues/" + q + "/jobs/" + failed.id(), "jrq · Job " + failed.id());
            assertThat(driver().findElement(By.cssSelector("p.err-msg")).getText())
                    .isEqualTo(ALL);
            assertThat(driver().findElement(By.cssSelector("pre.stack")).getText())
                    .contains(SCRIPT, IMG);
            assertThat(driver().findElement(By.cssSelector("pre.json")).getText())
                    .contains(SCRIPT, IMG_IN_JSON, JS_URL);
            assertThat(pageText(browser)).contains("meta note\n" + ALL, "meta " + IMG + "\n" + SCRIPT);

            open("queues/" + q + "/jobs/" + running.id(), "jrq · Job " + running.id());
            WebElement progress = driver().findElement(By.cssSelector("[data-j='progress.message']"));
            assertThat(progress.getText()).isEqualTo(ALL);
            finish.release();
            WebElement status = driver().findElement(By.cssSelector("[data-j='status']"));
            browser.waitUpTo(WAIT).until(d -> textOf(status).equals("finished"));
            assertSafe("jrq · Job " + running.id());
            open("queues/" + q + "/jobs/" + running.id(), "jrq · Job " + running.id());
            assertThat(driver().findElement(By.cssSelector("pre[data-j='result']"))
                            .getText())
                    .contains(SCRIPT, IMG_IN_JSON, JS_URL);

            // values echoed from the URL into error pages
            // in a path '+' is a plus sign, so spaces are %20 there
            open(
                    "queues/"
                            + URLEncoder.encode(JUNK_QUEUE, StandardCharsets.UTF_8)
                                    .replace("+", "%20"),
                    "jrq · 404");
            assertThat(pageText(browser)).contains("no queue named '" + JUNK_QUEUE + "'");
            open("jobs?id=" + URLEncoder.encode(SCRIPT, StandardCharsets.UTF_8), "jrq · 404");
            assertThat(pageText(browser)).contains("no job '" + SCRIPT + "'");
            open("workers", "jrq · Workers");

            // pages fed by the overview's live updates
            // the job that waited took the freed slot, so its twin that finished is listed with the hostile values
            open("queues/" + q, "jrq · Queue " + q);
            open("queues/" + q + "?state=finished", "jrq · Queue " + q);
            assertThat(pageText(browser)).contains(SCRIPT, IMG, JS_URL, "note=" + ALL, IMG + "=" + SCRIPT);
            open("queues/" + q + "?state=started", "jrq · Queue " + q);
            assertThat(pageText(browser)).contains("42% " + ALL);
            open("queues/" + q + "?state=failed", "jrq · Queue " + q);
            assertThat(pageText(browser)).contains("IllegalArgumentException " + SCRIPT + " " + IMG);
            open("failed?queue=" + q, "jrq · Failed");
            assertThat(pageText(browser)).contains("IllegalArgumentException " + SCRIPT + " " + IMG);

            open("", "jrq · Overview");
            assertThat(driver().findElements(By.cssSelector("tr[data-queue='" + q + "']")))
                    .hasSize(1);
            assertThat(pageText(browser)).doesNotContain("window.__xss=3");
        } finally {
            finish.release(10);
            redis.execute("SREM", registry, JUNK_QUEUE);
        }
    }

    /**
     * Opens a page, lets its live updates (if it has any) rewrite it at least once, and checks that
     * nothing of the payloads became markup or ran.
     */
    private static void open(String path, String title) {
        driver().get(dash.url(path));
        if (driver().findElement(By.tagName("body")).getDomAttribute("data-live") != null) {
            browser.waitUpTo(WAIT)
                    .withMessage(() -> "no live update on " + path + ", the page says: "
                            + textOf(driver().findElement(By.cssSelector("[data-live-status]"))))
                    .until(d -> textOf(d.findElement(By.cssSelector("[data-live-status]")))
                            .startsWith("live ·"));
        }
        assertSafe(title);
    }

    private static void assertSafe(String title) {
        String where = driver().getCurrentUrl();
        assertThat(driver().getTitle()).as("title of " + where).isEqualTo(title);
        assertThat(browser.js("return typeof window.__xss"))
                .as("window.__xss on " + where)
                .isEqualTo("undefined");
        assertThat(driver().findElements(By.tagName("img")))
                .as("img elements on " + where)
                .isEmpty();
        assertThat(driver().findElements(By.cssSelector("[onerror]")))
                .as("onerror attributes on " + where)
                .isEmpty();
        assertThat(driver().findElements(By.cssSelector("a[href^='javascript:' i]")))
                .as("javascript: links on " + where)
                .isEmpty();
        for (WebElement s : driver().findElements(By.tagName("script"))) {
            assertThat(s.getDomAttribute("src"))
                    .as("a script on " + where)
                    .isEqualTo(dash.server.uri().getPath() + "assets/dashboard.js");
        }
    }
}
