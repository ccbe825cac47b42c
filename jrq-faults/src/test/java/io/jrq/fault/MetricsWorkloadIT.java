package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqMetrics;
import io.jrq.Queue;
import io.jrq.QueueInfo;
import io.jrq.RetryPolicy;
import io.jrq.Worker;
import io.jrq.testkit.PrometheusText;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator's Prometheus sees of a known workload: a worker in this JVM with a Prometheus
 * registry runs N jobs that finish, M that fail, K that fail once and are retried, one that times
 * out, and one that another worker process held when it was killed with {@code kill -9}. The
 * scrape, read by the Prometheus project's text parser, has exactly those counts, and its queue
 * gauges match {@code Admin.queue()}.
 */
@ExtendWith(RedisExtension.class)
class MetricsWorkloadIT {
    private static final int FINISHED = 20;
    private static final int FAILED = 5;
    private static final int RETRIED = 4;
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    /**
     * Always fails.
     *
     * @param label chosen by the test
     * @return never
     */
    public static String fails(String label) {
        throw new IllegalStateException("failing on purpose: " + label);
    }

    /**
     * Fails its first call, then returns.
     *
     * @param label chosen by the test
     * @return the label
     */
    public static String failsOnce(String label) {
        if (CALLS.computeIfAbsent(label, k -> new AtomicInteger()).incrementAndGet() == 1) {
            throw new IllegalStateException("first call of " + label);
        }
        return label;
    }

    @Test
    void theScrapeCountsEveryOutcomeIncludingAJobRecoveredFromAKilledWorker(RedisServer redis) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "metrics-" + suffix;
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // One slot: while it holds the long job, the victim leases nothing else.
        WorkerProcess.Spec spec = new WorkerProcess.Spec(redis.url(), queue)
                .lease(30_000)
                .concurrency(1)
                .reap(5000);
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqMetrics metrics = new JrqMetrics(jrq).interval(Duration.ofMillis(200))) {
            metrics.bindTo(prometheus);
            Queue q = jrq.queue(queue);
            WorkerProcess victim = fleet.start(
                            "victim-" + suffix, spec, List.of("-D" + FaultJobs.VICTIM_PROPERTY + "=true"), Map.of())
                    .awaitReady(Duration.ofSeconds(60));
            List<Job<?>> all = new ArrayList<>();
            Job<String> held = q.enqueue(FaultJobs::holdOnVictim, "held");
            all.add(held);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> fleet.runs().byJob().containsKey(held.id()));
            for (int i = 0; i < FINISHED; i++) {
                all.add(q.enqueue(FaultJobs::brief, "ok-" + i));
            }
            Queue once =
                    q.with(EnqueueOptions.builder().retry(RetryPolicy.none()).build());
            for (int i = 0; i < FAILED; i++) {
                all.add(once.enqueue(MetricsWorkloadIT::fails, "bad-" + i));
            }
            Queue twice = q.with(EnqueueOptions.builder()
                    .retry(RetryPolicy.fixed(2, Duration.ofMillis(100)))
                    .build());
            for (int i = 0; i < RETRIED; i++) {
                all.add(twice.enqueue(MetricsWorkloadIT::failsOnce, suffix + "-flaky-" + i));
            }
            all.add(q.with(EnqueueOptions.builder()
                            .retry(RetryPolicy.none())
                            .timeout(Duration.ofMillis(300))
                            .build())
                    .enqueue(FaultJobs::work, "slow", 30_000L));

            try (Worker w = jrq.worker(queue)
                    .allowPackages("io.jrq.fault")
                    .concurrency(4)
                    .handleSignals(false)
                    .start()) {
                // The liveness check must have seen the victim's subscription before it can miss it.
                Thread.sleep(1000);
                victim.kill();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> all.stream().allMatch(j -> j.status().isTerminal()));
                assertThat(held.status()).isEqualTo(JobStatus.FINISHED);

                PrometheusText scrape = PrometheusText.parse(prometheus.scrape());
                String[] ofQueue = {"queue", queue};
                assertThat(scrape.sum("jrq_jobs_enqueued_total", ofQueue))
                        .as("enqueued")
                        .isEqualTo(all.size());
                assertThat(scrape.sum("jrq_jobs_finished_total", ofQueue))
                        .as("finished")
                        .isEqualTo(FINISHED + RETRIED + 1);
                assertThat(scrape.sum("jrq_jobs_failed_total", ofQueue))
                        .as("failed")
                        .isEqualTo(FAILED + 1);
                assertThat(scrape.sum("jrq_jobs_retried_total", ofQueue))
                        .as("retried")
                        .isEqualTo(RETRIED);
                assertThat(scrape.value("jrq_lease_expired_total", ofQueue))
                        .as("leases expired")
                        .hasValue(1.0);
                assertThat(scrape.sum("jrq_job_execution_seconds_count", "queue", queue, "outcome", "timeout"))
                        .isEqualTo(1);
                assertThat(scrape.sum("jrq_job_execution_seconds_count", ofQueue))
                        .as("attempts run here")
                        .isEqualTo(FINISHED + FAILED + 2 * RETRIED + 1 + 1);
                // The recovered job waited from its requeue, not from its enqueue before the victim took it.
                double heldWait = scrape.value(
                                "jrq_job_wait_seconds_sum",
                                "queue",
                                queue,
                                "job",
                                FaultJobs.class.getName() + "::holdOnVictim")
                        .orElseThrow();
                assertThat(heldWait).as("wait of the recovered job, s").isLessThan(1.0);

                QueueInfo info = jrq.admin().queue(queue);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    PrometheusText again = PrometheusText.parse(prometheus.scrape());
                    for (JobStatus s : QueueInfo.COUNTED) {
                        assertThat(again.value(
                                        "jrq_queue_size",
                                        "queue",
                                        queue,
                                        "state",
                                        s.name().toLowerCase(Locale.ROOT)))
                                .as("jrq_queue_size state=" + s)
                                .hasValue((double) info.count(s));
                    }
                    assertThat(again.value("jrq_queue_workers", ofQueue)).hasValue(1.0);
                    assertThat(again.value("jrq_queue_latency_seconds", ofQueue))
                            .hasValue(0.0);
                });
                System.out.printf(
                        "MetricsWorkloadIT: scrape of %d samples; recovered job waited %.3f s after its requeue%n",
                        scrape.samples().size(), heldWait);
            }
        }
    }
}
