package io.jrq.dashboard.browser;

import static io.jrq.dashboard.browser.LiveDashboard.PASSWORD;
import static io.jrq.dashboard.browser.LiveDashboard.USER;
import static io.jrq.dashboard.browser.LiveDashboard.queueName;
import static io.jrq.dashboard.browser.LiveDashboard.textOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Queue;
import io.jrq.QueueInfo;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The dashboard in a real Chromium, as an operator uses it: logging in, reading the overview of a
 * real workload, watching a job's progress pushed live, requeueing failed jobs, pausing a queue.
 */
class DashboardBrowserIT extends BrowserTestBase {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void logsInThroughTheFormAndSeesTheQueuesOfARealWorkload() {
        String orders = queueName("orders");
        String mail = queueName("mail");
        dash.worker(
                orders,
                b -> b.handler("ok", ctx -> "done").handler("boom", ctx -> {
                    throw new IllegalStateException("out of stock");
                }));
        Queue o = dash.jrq.queue(orders);
        for (int i = 0; i < 3; i++) {
            o.enqueue("ok", i);
        }
        o.enqueue("boom");
        dash.jrq.queue(mail).enqueue("send", "a@example.org");
        dash.jrq.queue(mail).enqueue("send", "b@example.org");
        await().atMost(WAIT).until(() -> {
            QueueInfo q = dash.jrq.admin().queue(orders);
            return q.count(JobStatus.FINISHED) == 3 && q.count(JobStatus.FAILED) == 1;
        });

        driver().get(dash.url(""));
        assertThat(driver().getCurrentUrl()).isEqualTo(dash.url("login"));
        assertThat(LiveDashboard.pageText(browser)).doesNotContain(orders, mail);

        // a wrong password: the form again, with the reason, and no session
        submitLogin(USER, "wrong-horse-1");
        WebElement problem =
                browser.waitUpTo(WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".flash.bad")));
        assertThat(problem.getText()).isEqualTo("Wrong user name or password.");
        assertThat(driver().getCurrentUrl()).isEqualTo(dash.url("login"));
        assertThat(driver().findElements(By.name("password"))).hasSize(1);
        assertThat(driver().manage().getCookieNamed("jrq_session")).isNull();
        assertThat(LiveDashboard.pageText(browser)).doesNotContain(orders, mail);

        submitLogin(USER, PASSWORD);
        browser.waitUpTo(WAIT).until(ExpectedConditions.urlToBe(dash.url("")));
        assertThat(textOf(driver().findElement(By.tagName("h1")))).isEqualTo("Overview");
        assertThat(cell(orders, "counts.finished")).isEqualTo("3");
        assertThat(cell(orders, "counts.failed")).isEqualTo("1");
        assertThat(cell(orders, "counts.queued")).isEqualTo("0");
        assertThat(cell(orders, "workers")).isEqualTo("1");
        assertThat(cell(mail, "counts.queued")).isEqualTo("2");
        assertThat(cell(mail, "workers")).isEqualTo("0");
        assertThat(badge(mail, "noWorker").isDisplayed())
                .as("mail waits with no worker")
                .isTrue();
        assertThat(badge(orders, "noWorker").isDisplayed()).isFalse();
        assertThat(driver().findElement(By.cssSelector("tr[data-queue='" + orders + "'] a"))
                        .getText())
                .isEqualTo(orders);

        Cookie session = driver().manage().getCookieNamed("jrq_session");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(session.getPath()).isEqualTo("/jrq/");
        assertThat((String) browser.js("return document.cookie")).doesNotContain("jrq_session");
    }

    @Test
    void aRunningJobsProgressIsPushedToItsPageWithoutAReload() {
        String q = queueName("import");
        Semaphore next = new Semaphore(0);
        dash.worker(
                q,
                b -> b.handler("import", ctx -> {
                    for (int i = 1; i <= 5; i++) {
                        ctx.progress(i * 10, "imported " + i * 100 + " rows");
                        if (!next.tryAcquire(20, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the test never let the import go on");
                        }
                    }
                    return "imported 500 rows";
                }));
        Job<Object> job = dash.jrq.queue(q).enqueue("import", "customers.csv");
        await().atMost(WAIT)
                .until(() -> job.progress().map(p -> p.percent() == 10).orElse(false));

        dash.login(browser);
        driver().get(dash.jobUrl(q, job.id()));
        WebElement status = driver().findElement(By.cssSelector("[data-j='status']"));
        WebElement message = driver().findElement(By.cssSelector("[data-j='progress.message']"));
        WebElement label = driver().findElement(By.cssSelector("[data-j='progress.label']"));
        WebElement bar = driver().findElement(By.cssSelector("progress[data-j='progress.percent']"));
        assertThat(textOf(status)).isEqualTo("started");
        assertThat(textOf(message)).isEqualTo("imported 100 rows");
        assertThat(textOf(label)).isEqualTo("10%");
        browser.waitUpTo(WAIT)
                .until(d -> textOf(d.findElement(By.cssSelector("[data-live-status]")))
                        .startsWith("live"));
        // a page that reloaded would lose this, and the elements found above would go stale
        browser.js("window.__marker = 1");

        for (int step = 2; step <= 3; step++) {
            next.release();
            String expected = "imported " + step * 100 + " rows";
            browser.waitUpTo(WAIT).until(d -> textOf(message).equals(expected));
            assertThat(textOf(label)).isEqualTo(step * 10 + "%");
            assertThat(bar.getDomProperty("value")).isEqualTo(Integer.toString(step * 10));
            assertThat(browser.js("return window.__marker")).isEqualTo(1L);
        }
        next.release(3);
        browser.waitUpTo(WAIT).until(d -> textOf(status).equals("finished"));
        assertThat(browser.js("return window.__marker")).isEqualTo(1L);
        assertThat(job.await(WAIT)).isEqualTo("imported 500 rows");
    }

    @Test
    void aFailedJobShowsItsErrorAndRunsAgainWhenRequeued() {
        String q = queueName("payments");
        Set<String> declined = ConcurrentHashMap.newKeySet();
        dash.worker(
                q,
                b -> b.handler("charge", ctx -> {
                    String order = ctx.arg(0, String.class);
                    if (declined.add(order)) {
                        throw new IllegalStateException("card declined for " + order);
                    }
                    return "charged " + order;
                }));
        Queue queue = dash.jrq.queue(q);
        Job<Object> first = queue.enqueue("charge", "order-1");
        Job<Object> second = queue.enqueue("charge", "order-2");
        await().atMost(WAIT).until(() -> first.status() == JobStatus.FAILED && second.status() == JobStatus.FAILED);

        dash.login(browser);
        driver().get(dash.url("failed?queue=" + q));
        WebElement row = failedRow(first.id());
        assertThat(row.findElement(By.cssSelector(".err-type")).getText()).contains("IllegalStateException");
        assertThat(row.findElement(By.cssSelector(".err-msg")).getText()).isEqualTo("card declined for order-1");
        assertThat(failedRow(second.id())
                        .findElement(By.cssSelector(".err-msg"))
                        .getText())
                .isEqualTo("card declined for order-2");

        // the second through the failed page's selection
        driver().findElement(By.cssSelector("input[name='ids'][value='" + second.id() + "']"))
                .click();
        driver().findElement(By.xpath("//button[normalize-space()='Requeue selected']"))
                .click();
        expectFlash("Requeued 1 jobs.");
        assertThat(second.await(WAIT)).isEqualTo("charged order-2");
        driver().navigate().refresh();
        assertThat(driver().findElements(By.linkText(second.id()))).isEmpty();

        // the first from its own page, which shows the error with its stack trace
        driver().findElement(By.linkText(first.id())).click();
        browser.waitUpTo(WAIT).until(ExpectedConditions.urlToBe(dash.jobUrl(q, first.id())));
        WebElement status = driver().findElement(By.cssSelector("[data-j='status']"));
        assertThat(textOf(status)).isEqualTo("failed");
        assertThat(driver().findElement(By.cssSelector("p.err-type")).getText()).contains("IllegalStateException");
        assertThat(driver().findElement(By.cssSelector("p.err-msg")).getText()).isEqualTo("card declined for order-1");
        assertThat(driver().findElement(By.cssSelector("pre.stack")).getText())
                .contains("IllegalStateException", "at io.jrq.dashboard.browser.DashboardBrowserIT.lambda$");
        driver().findElement(By.xpath("//button[normalize-space()='Requeue']")).click();
        expectFlash("Requeued job " + first.id() + ".");
        WebElement after = driver().findElement(By.cssSelector("[data-j='status']"));
        browser.waitUpTo(WAIT).until(d -> textOf(after).equals("finished"));
        assertThat(first.await(WAIT)).isEqualTo("charged order-1");
        driver().navigate().refresh();
        assertThat(driver().findElement(By.cssSelector("pre[data-j='result']")).getText())
                .isEqualTo("\"charged order-1\"");
        assertThat(driver().findElements(By.xpath("//button[normalize-space()='Requeue']")))
                .isEmpty();
    }

    @Test
    void pausesAndResumesAQueueWithItsButtons() {
        String q = queueName("reports");
        dash.worker(q, b -> b.handler("report", ctx -> "sent " + ctx.arg(0, String.class)));
        Queue queue = dash.jrq.queue(q);
        assertThat(queue.enqueue("report", "daily").await(WAIT)).isEqualTo("sent daily");

        dash.login(browser);
        driver().get(dash.url("queues/" + q));
        assertThat(pausedBadge().isDisplayed()).isFalse();
        driver().findElement(By.xpath("//button[normalize-space()='Pause']")).click();
        expectFlash("Paused " + q + ".");
        assertThat(dash.jrq.admin().queue(q).paused()).isTrue();
        assertThat(pausedBadge().isDisplayed()).isTrue();
        assertThat(driver().findElements(By.xpath("//button[normalize-space()='Pause']")))
                .isEmpty();

        // the worker takes nothing from a paused queue
        Job<Object> held = queue.enqueue("report", "weekly");
        await().during(Duration.ofMillis(600))
                .atMost(Duration.ofSeconds(3))
                .until(() -> held.status() == JobStatus.QUEUED);

        driver().findElement(By.xpath("//button[normalize-space()='Resume']")).click();
        expectFlash("Resumed " + q + ".");
        assertThat(dash.jrq.admin().queue(q).paused()).isFalse();
        assertThat(pausedBadge().isDisplayed()).isFalse();
        assertThat(held.await(WAIT)).isEqualTo("sent weekly");
    }

    private static void submitLogin(String user, String password) {
        driver().findElement(By.name("user")).sendKeys(user);
        driver().findElement(By.name("password")).sendKeys(password);
        driver().findElement(By.cssSelector("button[type=submit]")).click();
    }

    private static String cell(String queue, String field) {
        return textOf(driver().findElement(By.cssSelector("td[data-q='" + queue + "'][data-f='" + field + "']")));
    }

    private static WebElement badge(String queue, String field) {
        return driver().findElement(By.cssSelector("span.badge[data-q='" + queue + "'][data-f='" + field + "']"));
    }

    private static WebElement pausedBadge() {
        return driver().findElement(By.cssSelector(".toolbar span.badge[data-f='paused']"));
    }

    private static WebElement failedRow(String id) {
        return driver().findElement(
                        By.xpath("//table[contains(@class,'jobs')]//tr[td/a[normalize-space()='" + id + "']]"));
    }

    /** Waits for the page an action led to, saying what it did. */
    private static void expectFlash(String expected) {
        browser.waitUpTo(WAIT)
                .withMessage(() ->
                        "expected the message '" + expected + "', the page shows: " + LiveDashboard.pageText(browser))
                .until(d -> d.findElements(By.cssSelector("p.flash[role='status']")).stream()
                        .anyMatch(e -> e.getText().equals(expected)));
    }
}
