package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqMetrics;
import io.jrq.Queue;
import io.jrq.QueueInfo;
import io.jrq.Worker;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The queue gauges of JrqMetrics against a real workload: sizes as the admin API counts them, latency of a stuck queue. */
@ExtendWith(RedisExtension.class)
class JrqMetricsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void latencyRisesWhileAQueueIsPausedAndFallsAfterResume(RedisServer redis) {
        String name = "met-" + UUID.randomUUID().toString().substring(0, 8);
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqMetrics metrics =
                        new JrqMetrics(jrq).interval(Duration.ofMillis(200)).tags(Tags.of("app", "test"))) {
            metrics.bindTo(registry);
            Queue q = jrq.queue(name);
            jrq.admin().pause(name);
            for (int i = 0; i < 5; i++) {
                q.enqueue(Jobs::add, i, i);
            }
            q.in(Duration.ofHours(1)).enqueue(Jobs::add, 9, 9);
            try (Worker w = jrq.worker(name)
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                await().atMost(WAIT).until(() -> value("jrq.queue.latency", name) > 1.0);
                double stuck = value("jrq.queue.latency", name);
                await().atMost(WAIT).until(() -> value("jrq.queue.latency", name) > stuck + 0.3);
                assertThat(value("jrq.queue.paused", name)).isEqualTo(1.0);
                assertThat(value("jrq.queue.workers", name)).isEqualTo(1.0);
                assertSizesMatch(jrq.admin().queue(name));

                jrq.admin().resume(name);
                await().atMost(WAIT).until(() -> jrq.admin().queue(name).count(JobStatus.FINISHED) == 5);
                await().atMost(WAIT)
                        .until(() -> value("jrq.queue.latency", name) == 0.0 && value("jrq.queue.paused", name) == 0.0);
                await().atMost(WAIT)
                        .untilAsserted(() -> assertSizesMatch(jrq.admin().queue(name)));
                assertThat(value("jrq.queue.size", name, "state", "scheduled")).isEqualTo(1.0);
            }
            await().atMost(WAIT).until(() -> value("jrq.queue.workers", name) == 0.0);
            assertThat(registry.get("jrq.queue.latency")
                            .tags("queue", name, "app", "test")
                            .gauge())
                    .isNotNull();
        }
    }

    @Test
    void aPrometheusScrapeNamesTheGaugesAsDocumented(RedisServer redis) {
        String name = "prom-" + UUID.randomUUID().toString().substring(0, 8);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqMetrics metrics = new JrqMetrics(jrq).interval(Duration.ofMillis(100))) {
            jrq.queue(name).enqueue(Jobs::add, 1, 2);
            metrics.bindTo(prometheus);
            await().atMost(WAIT).until(() -> prometheus.scrape().contains("queue=\"" + name + "\""));
            String scrape = prometheus.scrape();
            assertThat(scrape)
                    .contains(
                            "jrq_queue_size{queue=\"" + name + "\",state=\"queued\"} 1.0",
                            "jrq_queue_workers{queue=\"" + name + "\"} 0.0",
                            "jrq_queue_paused{queue=\"" + name + "\"} 0.0",
                            "jrq_queue_latency_seconds{queue=\"" + name + "\"}");
        }
    }

    @Test
    void badSettingsAreRefused(RedisServer redis) {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            JrqMetrics m = new JrqMetrics(jrq);
            assertThat(m.interval()).isEqualTo(JrqMetrics.DEFAULT_INTERVAL);
            assertThatThrownBy(() -> m.interval(Duration.ofMillis(10)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("PT0.01S");
            assertThatThrownBy(() -> m.interval(null)).isInstanceOf(NullPointerException.class);
            try (JrqMetrics bound = m.interval(Duration.ofMillis(100))) {
                bound.bindTo(registry);
                assertThatThrownBy(() -> bound.bindTo(registry)).isInstanceOf(IllegalStateException.class);
            }
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** @return the gauge's value, NaN before its first read */
    private double value(String meter, String queue, String... tags) {
        Gauge g = registry.find(meter).tags("queue", queue).tags(tags).gauge();
        return g == null ? Double.NaN : g.value();
    }

    private void assertSizesMatch(QueueInfo info) {
        for (JobStatus s : QueueInfo.COUNTED) {
            assertThat(value("jrq.queue.size", info.name(), "state", s.name().toLowerCase(Locale.ROOT)))
                    .as("jrq.queue.size state=" + s)
                    .isEqualTo((double) info.count(s));
        }
    }
}
