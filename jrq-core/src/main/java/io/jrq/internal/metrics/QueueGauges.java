package io.jrq.internal.metrics;

import io.jrq.Admin;
import io.jrq.JobStatus;
import io.jrq.QueueInfo;
import io.jrq.WorkerInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue-wide gauges of {@link io.jrq.JrqMetrics}: one thread reads every queue through the
 * admin API once per interval and replaces the rows of a few multi-gauges, so scrapes never reach
 * Redis and a queue that appears later gets its rows at the next read.
 */
public final class QueueGauges implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);
    private final Admin admin;
    private final MultiGauge size;
    private final MultiGauge latency;
    private final MultiGauge workers;
    private final MultiGauge paused;
    private final ScheduledExecutorService reader;

    private QueueGauges(Admin admin, MeterRegistry registry, List<Tag> tags) {
        this.admin = admin;
        Tags common = Tags.of(tags);
        size = MultiGauge.builder("jrq.queue.size")
                .tags(common)
                .description("jobs of the queue per state")
                .register(registry);
        latency = MultiGauge.builder("jrq.queue.latency")
                .tags(common)
                .baseUnit("seconds")
                .description("how long the next job to run has waited, 0 when none waits")
                .register(registry);
        workers = MultiGauge.builder("jrq.queue.workers")
                .tags(common)
                .description("live workers serving the queue")
                .register(registry);
        paused = MultiGauge.builder("jrq.queue.paused")
                .tags(common)
                .description("1 while the queue is paused")
                .register(registry);
        reader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jrq-metrics");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param admin where the queues are read
     * @param registry where the gauges go
     * @param tags added to every gauge
     * @param interval time between reads
     * @return the gauges, read once now and then every interval
     */
    public static QueueGauges start(Admin admin, MeterRegistry registry, List<Tag> tags, Duration interval) {
        QueueGauges g = new QueueGauges(admin, registry, tags);
        g.reader.scheduleWithFixedDelay(g::read, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return g;
    }

    private void read() {
        try {
            List<QueueInfo> queues = admin.queues();
            List<WorkerInfo> live = admin.workers();
            Instant now = Instant.now();
            List<MultiGauge.Row<?>> sizes = new ArrayList<>();
            List<MultiGauge.Row<?>> latencies = new ArrayList<>();
            List<MultiGauge.Row<?>> serving = new ArrayList<>();
            List<MultiGauge.Row<?>> pausedRows = new ArrayList<>();
            for (QueueInfo q : queues) {
                Tags queue = Tags.of("queue", q.name());
                for (JobStatus s : QueueInfo.COUNTED) {
                    sizes.add(MultiGauge.Row.of(queue.and("state", s.name().toLowerCase(Locale.ROOT)), q.count(s)));
                }
                double waited =
                        q.oldestQueuedAge(now).map(d -> d.toMillis() / 1000.0).orElse(0.0);
                latencies.add(MultiGauge.Row.of(queue, waited));
                serving.add(MultiGauge.Row.of(
                        queue,
                        live.stream().filter(w -> w.queues().contains(q.name())).count()));
                pausedRows.add(MultiGauge.Row.of(queue, q.paused() ? 1 : 0));
            }
            // overwrite = true: rows of a queue that disappeared are removed
            size.register(sizes, true);
            latency.register(latencies, true);
            workers.register(serving, true);
            paused.register(pausedRows, true);
        } catch (RuntimeException e) {
            log.warn("jrq metrics: the queues could not be read, the gauges keep their last values: {}", e.toString());
        }
    }

    @Override
    public void close() {
        // A read under way finishes (an interrupt would fail it with a warning that is none), so the
        // caller may close the client at once afterwards; one that hangs is given a command timeout.
        reader.shutdown();
        try {
            if (!reader.awaitTermination(5, TimeUnit.SECONDS)) {
                reader.shutdownNow();
            }
        } catch (InterruptedException e) {
            reader.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
