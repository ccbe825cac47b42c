package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqMetrics;
import io.jrq.Queue;
import io.jrq.RetryPolicy;
import io.jrq.Uniqueness;
import io.jrq.Worker;
import io.jrq.testjobs.Flaky;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.PrometheusText;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The per-job meters of JrqMetrics, read the way Prometheus reads them (the Prometheus project's
 * text parser on a scrape of Micrometer's Prometheus registry): every attempt of a known workload
 * counted under its outcome, waits measured from the due time, and a bounded {@code job} tag.
 */
@ExtendWith(RedisExtension.class)
class JobMetersIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aKnownWorkloadIsCountedAttemptByAttempt(RedisServer redis) {
        String name = "jm-" + UUID.randomUUID().toString().substring(0, 8);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        int finished = 7;
        int failed = 3;
        int retried = 2;
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqMetrics metrics = new JrqMetrics(jrq).interval(Duration.ofMillis(200))) {
            metrics.bindTo(prometheus);
            Queue q = jrq.queue(name);
            List<Job<?>> all = new ArrayList<>();
            for (int i = 0; i < finished; i++) {
                all.add(q.enqueue(Jobs::add, i, 1));
            }
            Queue once =
                    q.with(EnqueueOptions.builder().retry(RetryPolicy.none()).build());
            for (int i = 0; i < failed; i++) {
                all.add(once.enqueue(Jobs::fail, "boom " + i));
            }
            Queue twice = q.with(EnqueueOptions.builder()
                    .retry(RetryPolicy.fixed(2, Duration.ofMillis(50)))
                    .build());
            for (int i = 0; i < retried; i++) {
                all.add(twice.enqueue(Flaky::failTimes, name + "-flaky-" + i, 1));
            }
            all.add(q.with(EnqueueOptions.builder()
                            .retry(RetryPolicy.none())
                            .timeout(Duration.ofMillis(300))
                            .build())
                    .enqueue(Jobs::sleep, 10_000L));
            all.add(once.enqueue("com.example.Evil::run", "x"));
            // The same unique key twice stores one job: the second enqueue is not counted.
            Queue unique = q.with(EnqueueOptions.builder()
                    .unique("only-one", Uniqueness.WHILE_QUEUED)
                    .build());
            all.add(unique.enqueue(Jobs::add, 100, 1));
            unique.enqueue(Jobs::add, 100, 1);
            int stored = finished + failed + retried + 1 + 1 + 1;

            try (Worker w = jrq.worker(name)
                    .allowPackages("io.jrq.testjobs")
                    .concurrency(4)
                    .handleSignals(false)
                    .start()) {
                await().atMost(WAIT)
                        .until(() -> all.stream().allMatch(j -> j.status().isTerminal()));
                // The per-job meters are updated before the outcome is recorded, so they are final now.
                PrometheusText scrape = PrometheusText.parse(prometheus.scrape());
                String[] queue = {"queue", name};
                assertThat(scrape.sum("jrq_jobs_enqueued_total", queue)).isEqualTo(stored);
                assertThat(scrape.sum("jrq_jobs_finished_total", queue)).isEqualTo(finished + retried + 1);
                assertThat(scrape.sum("jrq_jobs_failed_total", queue)).isEqualTo(failed + 1 + 1);
                assertThat(scrape.sum("jrq_jobs_retried_total", queue)).isEqualTo(retried);
                assertThat(scrape.sum("jrq_jobs_not_allowed_total", queue)).isEqualTo(1);
                assertThat(scrape.value("jrq_jobs_not_allowed_total", "queue", name, "job", "com.example.Evil::run"))
                        .hasValue(1.0);
                assertThat(scrape.value(
                                "jrq_job_execution_seconds_count",
                                "queue",
                                name,
                                "job",
                                Jobs.class.getName() + "::sleep",
                                "outcome",
                                "timeout"))
                        .hasValue(1.0);
                assertThat(scrape.value(
                                        "jrq_job_execution_seconds_sum",
                                        "queue",
                                        name,
                                        "job",
                                        Jobs.class.getName() + "::sleep",
                                        "outcome",
                                        "timeout")
                                .orElseThrow())
                        .isBetween(0.3, 5.0);
                assertThat(scrape.sum("jrq_job_execution_seconds_count", "queue", name, "outcome", "finished"))
                        .isEqualTo(finished + retried + 1);
                assertThat(scrape.sum("jrq_job_execution_seconds_count", "queue", name, "outcome", "retried"))
                        .isEqualTo(retried);
                assertThat(scrape.sum("jrq_job_execution_seconds_count", "queue", name, "outcome", "failed"))
                        .isEqualTo(failed + 1);
                // one wait per attempt that started: every stored job once, the flaky ones twice
                assertThat(scrape.sum("jrq_job_wait_seconds_count", queue)).isEqualTo(stored + retried);
                assertThat(scrape.value("jrq_worker_busy", "worker", w.name())).hasValue(0.0);
                assertThat(scrape.value("jrq_worker_slots", "worker", w.name())).hasValue(4.0);
                assertThat(scrape.find("jrq_jobs_finished_total", "queue", name, "job", Jobs.class.getName() + "::add")
                                .get(0)
                                .type())
                        .isEqualTo("counter");
                assertThat(scrape.find("jrq_job_execution_seconds_count").get(0).type())
                        .isEqualTo("summary");

                // queue gauges in the same scrape match the admin API once read again
                await().atMost(WAIT).untilAsserted(() -> {
                    PrometheusText again = PrometheusText.parse(prometheus.scrape());
                    assertThat(again.value("jrq_queue_size", "queue", name, "state", "finished"))
                            .hasValue((double) jrq.admin().queue(name).count(JobStatus.FINISHED));
                    assertThat(again.value("jrq_queue_size", "queue", name, "state", "failed"))
                            .hasValue((double) jrq.admin().queue(name).count(JobStatus.FAILED));
                });
            }
            assertThat(PrometheusText.parse(prometheus.scrape()).find("jrq_worker_busy"))
                    .as("gauges of a stopped worker")
                    .isEmpty();
        }
    }

    @Test
    void aDelayedJobWaitsFromItsDueTimeNotItsEnqueue(RedisServer redis) {
        String name = "jw-" + UUID.randomUUID().toString().substring(0, 8);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqMetrics metrics = new JrqMetrics(jrq).queueGauges(false);
                Worker w = jrq.worker(name)
                        .allowPackages("io.jrq.testjobs")
                        .handleSignals(false)
                        .start()) {
            metrics.bindTo(prometheus);
            Job<Integer> delayed = jrq.queue(name).in(Duration.ofMillis(1500)).enqueue(Jobs::add, 1, 2);
            assertThat(delayed.await(WAIT)).isEqualTo(3);
            PrometheusText scrape = PrometheusText.parse(prometheus.scrape());
            double waited =
                    scrape.value("jrq_job_wait_seconds_sum", "queue", name).orElseThrow();
            // promoted within a second of its due time (the worker checks the scheduled set at least that often)
            assertThat(waited).as("seconds from due time to start").isBetween(0.0, 1.2);
            assertThat(scrape.find("jrq_queue_size"))
                    .as("queue gauges turned off")
                    .isEmpty();
        }
    }

    @Test
    void tenThousandHandlerNamesStayWithinTheCapOfTheJobTag(RedisServer redis) {
        String name = "jc-" + UUID.randomUUID().toString().substring(0, 8);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        int names = 10_000;
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqMetrics metrics = new JrqMetrics(jrq).queueGauges(false)) {
            metrics.bindTo(prometheus);
            Queue q = jrq.queue(name)
                    .with(EnqueueOptions.builder().retry(RetryPolicy.none()).build());
            for (int from = 0; from < names; from += 1000) {
                // no worker has these handlers: each job fails once, under its own name
                q.enqueueAll(IntStream.range(from, from + 1000)
                        .mapToObj(i -> new io.jrq.Call("handler-" + i, List.of(i)))
                        .toList());
            }
            try (Worker w = jrq.worker(name).concurrency(8).handleSignals(false).start()) {
                await().atMost(Duration.ofMinutes(2))
                        .until(() -> jrq.admin().queue(name).count(JobStatus.FAILED) == names);
            }
            PrometheusText scrape = PrometheusText.parse(prometheus.scrape());
            Set<String> jobTags = scrape.samples().stream()
                    .filter(s -> s.name().startsWith("jrq_")
                            && name.equals(s.labels().get("queue")))
                    .map(s -> s.labels().get("job"))
                    .collect(Collectors.toSet());
            assertThat(jobTags).hasSize(JrqMetrics.DEFAULT_MAX_JOB_TAGS + 1).contains("other");
            assertThat(scrape.sum("jrq_jobs_failed_total", "queue", name)).isEqualTo(names);
            assertThat(scrape.sum("jrq_jobs_enqueued_total", "queue", name)).isEqualTo(names);
            assertThat(scrape.value("jrq_jobs_failed_total", "queue", name, "job", "other"))
                    .hasValue((double) (names - JrqMetrics.DEFAULT_MAX_JOB_TAGS));
        }
    }

    @Test
    void badSettingsAreRefused(RedisServer redis) {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            JrqMetrics m = new JrqMetrics(jrq);
            assertThatThrownBy(() -> m.maxJobTags(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("got 0");
            assertThatThrownBy(() -> m.maxJobTags(10_001)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
