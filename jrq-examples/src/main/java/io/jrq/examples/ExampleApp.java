package io.jrq.examples;

import io.jrq.Job;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Enqueues three reports, runs a worker, and prints the results as they come back.
 *
 * <p>Run it with a Redis URL as the argument, or in {@code JRQ_REDIS_URL}, else
 * {@code redis://localhost:6379}. In a real application the worker usually runs in a separate
 * process (or many), started with the same {@code jrq.worker(...)} call; the producer only
 * enqueues and, if it needs to, awaits.
 */
public final class ExampleApp {
    private ExampleApp() {}

    /** @param args optional: the Redis URL */
    public static void main(String[] args) {
        String url =
                args.length > 0 ? args[0] : System.getenv().getOrDefault("JRQ_REDIS_URL", "redis://localhost:6379");

        try (Jrq jrq = Jrq.connect(url)) {
            // Enqueue: returns at once with a handle on the job.
            Queue reports = jrq.queue("reports");
            List<Job<Reports.Summary>> jobs = new ArrayList<>();
            for (String customer : List.of("acme", "globex", "initech")) {
                jobs.add(reports.enqueue(Reports::monthly, customer, 6));
            }
            System.out.println("enqueued " + jobs.size() + " reports");

            // Work: a worker runs jobs from its queues, only from the packages it allows.
            try (Worker worker = jrq.worker("reports")
                    .allowPackages("io.jrq.examples")
                    .concurrency(4)
                    .start()) {
                System.out.println("worker " + worker.name() + " serves " + worker.queues());
                for (Job<Reports.Summary> job : jobs) {
                    Reports.Summary s = job.await(Duration.ofSeconds(30));
                    System.out.printf(
                            "%s: %d orders, %.2f total (job %s)%n",
                            s.customer(), s.orders(), s.totalCents() / 100.0, job.id());
                }
            }
        }
    }
}
