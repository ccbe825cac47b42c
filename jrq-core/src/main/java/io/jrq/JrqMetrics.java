package io.jrq;

import io.jrq.internal.metrics.QueueGauges;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Binds jrq's queue-wide gauges to a Micrometer {@link MeterRegistry}, in the manner of Micrometer's
 * executor binder: {@code new JrqMetrics(jrq).bindTo(registry)}.
 *
 * <p>Gauges, one per queue jrq knows ({@link Admin#queues()}):
 * <ul>
 *   <li>{@code jrq.queue.size{queue, state}}: jobs per state ({@code queued}, {@code started},
 *       {@code scheduled}, {@code deferred}, {@code finished}, {@code failed}, {@code canceled}; the
 *       ended states count the jobs still kept);</li>
 *   <li>{@code jrq.queue.latency{queue}}: seconds the next job to run has waited, 0 when none waits;
 *       it keeps rising while a queue is stuck (paused, no worker, workers overloaded);</li>
 *   <li>{@code jrq.queue.workers{queue}}: live workers serving the queue;</li>
 *   <li>{@code jrq.queue.paused{queue}}: 1 while the queue is paused, else 0.</li>
 * </ul>
 *
 * <p>The gauges are read from Redis once per {@link #interval(Duration) interval} (default 10 s) by
 * one daemon thread, however often and by however many registries they are scraped: a scrape
 * returns the last read and costs Redis nothing. One read is {@code Admin.queues()} and
 * {@code Admin.workers()}: a few commands per queue and one per live worker. When Redis cannot be
 * read, the gauges keep their last values and the next interval tries again. Micrometer is an
 * optional dependency of jrq: an application that does not use this class needs no Micrometer.
 *
 * <p>Thread-safe. {@link #close()} stops the reads (the gauges then keep their last values).
 */
public final class JrqMetrics implements MeterBinder, AutoCloseable {
    /** The default time between two reads of the queues. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final Jrq jrq;
    private final Duration interval;
    private final List<Tag> tags;
    private QueueGauges gauges;

    /** @param jrq the client whose queues are measured (not closed by this) */
    public JrqMetrics(Jrq jrq) {
        this(jrq, DEFAULT_INTERVAL, List.of());
    }

    private JrqMetrics(Jrq jrq, Duration interval, List<Tag> tags) {
        this.jrq = Objects.requireNonNull(jrq, "jrq");
        this.interval = interval;
        this.tags = tags;
    }

    /**
     * @param interval time between two reads of the queues, 100 ms to 1 hour
     * @return a binder like this one with that interval
     * @throws IllegalArgumentException outside that range
     */
    public JrqMetrics interval(Duration interval) {
        Objects.requireNonNull(interval, "interval");
        if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("interval must be between 100 ms and 1 hour, got " + interval);
        }
        return new JrqMetrics(jrq, interval, tags);
    }

    /**
     * @param tags tags added to every meter, e.g. {@code Tags.of("app", "billing")}
     * @return a binder like this one with those tags
     */
    public JrqMetrics tags(Iterable<Tag> tags) {
        Objects.requireNonNull(tags, "tags");
        List<Tag> all = new java.util.ArrayList<>(this.tags);
        tags.forEach(all::add);
        return new JrqMetrics(jrq, interval, List.copyOf(all));
    }

    /** @return the time between two reads of the queues */
    public Duration interval() {
        return interval;
    }

    /**
     * Registers the gauges and starts reading the queues (the first read at once).
     *
     * @throws IllegalStateException when this binder is already bound (make another for another registry)
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (gauges != null) {
            throw new IllegalStateException("already bound to a registry; make one JrqMetrics per registry");
        }
        gauges = QueueGauges.start(jrq.admin(), registry, tags, interval);
    }

    /** Stops reading the queues. */
    @Override
    public synchronized void close() {
        if (gauges != null) {
            gauges.close();
        }
    }
}
