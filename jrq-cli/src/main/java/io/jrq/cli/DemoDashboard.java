package io.jrq.cli;

import io.jrq.EnqueueOptions;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.RecurringJob;
import io.jrq.RetryPolicy;
import io.jrq.dashboard.Authenticator;
import io.jrq.dashboard.Dashboard;
import io.jrq.dashboard.DashboardServer;
import io.jrq.demo.DemoJobs;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's last step with {@code --dashboard}: the dashboard on the demo's Redis, with a small
 * workload that keeps every page busy (running jobs reporting progress, failures, scheduled jobs,
 * a recurring job, a trickle of quick jobs for the chart), until Ctrl-C.
 */
final class DemoDashboard {
    private DemoDashboard() {}

    static void serve(PrintWriter out, Jrq jrq, Queue queue, int port) throws InterruptedException {
        Queue once =
                queue.with(EnqueueOptions.builder().retry(RetryPolicy.none()).build());
        for (int i = 0; i < 3; i++) {
            once.enqueue(DemoJobs::report, 120, 1000L);
        }
        for (int i = 1; i <= 5; i++) {
            once.enqueue(DemoJobs::fail, "the mail server refused message " + i);
        }
        for (int i = 1; i <= 3; i++) {
            queue.in(Duration.ofMinutes(5L * i)).enqueue(DemoJobs::echo, "due in " + 5 * i + " minutes");
        }
        jrq.recurring()
                .schedule(RecurringJob.builder("demo-heartbeat")
                        .queue(queue.name())
                        .every(Duration.ofMinutes(1))
                        .call(DemoJobs::echo, "once a minute")
                        .build());
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jrq-demo-trickle");
            t.setDaemon(true);
            return t;
        });
        trickle.scheduleAtFixedRate(
                () -> {
                    try {
                        for (int i = 0; i < 20; i++) {
                            queue.enqueue(DemoJobs::noop, (long) i);
                        }
                        if (Math.random() < 0.2) {
                            once.enqueue(DemoJobs::fail, "a random failure");
                        }
                    } catch (RuntimeException e) {
                        // Redis went away: the demo is ending
                    }
                },
                1,
                1,
                TimeUnit.SECONDS);
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        try (Dashboard dashboard = Dashboard.builder(jrq)
                        .authenticator(Authenticator.password("admin", password))
                        .build();
                DashboardServer server = DashboardServer.start(dashboard, "127.0.0.1", port, "")) {
            out.printf(
                    "%n5. The dashboard: %s%n   log in as admin with the password %s (generated for this run)%n",
                    server.uri(), password);
            out.println(
                    "   Jobs keep coming: three report progress, some fail, three are scheduled, one recurs every minute.");
            out.println("   Ctrl-C stops the demo.");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "jrq-demo-stop"));
            stop.await();
        } finally {
            trickle.shutdownNow();
        }
    }
}
