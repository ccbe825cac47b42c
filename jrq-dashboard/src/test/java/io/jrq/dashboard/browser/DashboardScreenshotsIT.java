package io.jrq.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Queue;
import io.jrq.RecurringJob;
import io.jrq.RetryPolicy;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * Writes the pictures of {@code docs/images} from a real workload (quick mail jobs, reports
 * reporting progress, declined payments, an import queue nobody serves, scheduled and recurring
 * jobs). Runs only when screenshots are asked for ({@code JRQ_SCREENSHOTS=1}); the pages' behaviour
 * is tested by the other browser tests.
 */
@ExtendWith(RedisExtension.class)
class DashboardScreenshotsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void writesTheDocumentationsPictures(RedisServer redis) throws InterruptedException {
        if (!LiveDashboard.SCREENSHOTS) {
            String why =
                    "screenshots not asked for: set JRQ_SCREENSHOTS=1 to write docs/images (needs chromium and chromium-driver)";
            System.err.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
        Semaphore finish = new Semaphore(0);
        try (Chromium browser = Chromium.start();
                LiveDashboard dash = LiveDashboard.start(redis)) {
            dash.worker(
                    "mail",
                    b -> b.concurrency(4).handler("send", ctx -> {
                        Thread.sleep(20 + (long) (Math.random() * 60));
                        return "sent to " + ctx.arg(0, String.class);
                    }));
            dash.worker(
                    "reports",
                    b -> b.concurrency(3).handler("monthly-report", ctx -> {
                        int rows = ctx.arg(1, Integer.class);
                        // about a minute per report, longer than the screenshots take
                        for (int done = 0; done < rows; done += rows / 200) {
                            ctx.progress(100 * done / rows, "aggregated " + done + " of " + rows + " rows");
                            if (finish.tryAcquire(300, TimeUnit.MILLISECONDS)) {
                                break;
                            }
                        }
                        return "report ready";
                    }));
            dash.worker(
                    "payments",
                    b -> b.concurrency(2).handler("charge", ctx -> {
                        String order = ctx.arg(0, String.class);
                        if (order.hashCode() % 3 == 0) {
                            throw new IllegalStateException("card declined for " + order + " (insufficient funds)");
                        }
                        return "charged " + order;
                    }));

            Queue mail = dash.jrq.queue("mail");
            Queue payments = dash.jrq
                    .queue("payments")
                    .with(EnqueueOptions.builder().retry(RetryPolicy.none()).build());
            List<Job<Object>> reports = new ArrayList<>();
            for (String customer : new String[] {"acme", "globex", "initech"}) {
                reports.add(dash.jrq
                        .queue("reports")
                        .with(EnqueueOptions.builder()
                                .description("Monthly report for " + customer)
                                .meta("customer", customer)
                                .build())
                        .enqueue("monthly-report", customer, 48_000));
            }
            for (int i = 0; i < 40; i++) {
                payments.enqueue("charge", "order-" + (1000 + i));
            }
            for (int i = 0; i < 120; i++) {
                dash.jrq.queue("imports").enqueue("import-csv", "s3://uploads/batch-" + i + ".csv");
            }
            for (int i = 1; i <= 4; i++) {
                mail.in(Duration.ofMinutes(15L * i)).enqueue("send", "digest-" + i + "@example.org");
            }
            dash.jrq
                    .recurring()
                    .schedule(RecurringJob.builder("nightly-cleanup")
                            .queue("mail")
                            .cron("0 3 * * *")
                            .handler("send", "ops@example.org")
                            .description("Nightly summary to ops")
                            .build());
            for (int round = 0; round < 30; round++) {
                for (int i = 0; i < 40; i++) {
                    mail.enqueue("send", "user" + (round * 40 + i) + "@example.org");
                }
                Thread.sleep(200);
            }
            await().atMost(WAIT)
                    .until(() -> reports.stream()
                            .allMatch(j ->
                                    j.progress().map(p -> p.percent() >= 20).orElse(false)));
            await().atMost(WAIT)
                    .until(() -> !dash.jrq
                            .admin()
                            .jobs("payments", JobStatus.FAILED, 0, 1)
                            .isEmpty());
            String declined = dash.jrq
                    .admin()
                    .jobs("payments", JobStatus.FAILED, 0, 1)
                    .get(0)
                    .id();

            dash.login(browser);
            shoot(browser, dash, "", "overview");
            shoot(browser, dash, "queues/reports?state=started", "queue");
            shoot(browser, dash, "queues/reports/jobs/" + reports.get(0).id(), "job");
            shoot(browser, dash, "queues/payments/jobs/" + declined, "job-failed");
            shoot(browser, dash, "failed", "failed");
            shoot(browser, dash, "workers", "workers");
        } finally {
            finish.release(10);
        }
    }

    private static void shoot(Chromium browser, LiveDashboard dash, String path, String name) {
        browser.driver().get(dash.url(path));
        if (browser.driver().findElement(By.tagName("body")).getDomAttribute("data-live") != null) {
            browser.waitUpTo(WAIT)
                    .until(d -> LiveDashboard.textOf(d.findElement(By.cssSelector("[data-live-status]")))
                            .startsWith("live ·"));
        }
        assertThat(browser.driver().getTitle()).startsWith("jrq · ");
        LiveDashboard.screenshot(browser, name);
    }
}
