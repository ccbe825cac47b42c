package io.jrq;

import io.jrq.internal.metrics.JobMeters;
import io.jrq.internal.metrics.QueueGauges;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Binds jrq's meters to a Micrometer {@link MeterRegistry}, in the manner of Micrometer's executor
 * binder: {@code new JrqMetrics(jrq).bindTo(registry)}. The per-job meters cover the enqueues of
 * this client and the jobs of every worker started from it (before or after binding); the gauges
 * cover every queue of its Redis. docs/METRICS.md lists each meter with its tags.
 *
 * <p>Per job, tagged {@code queue} and {@code job} (the function or handler name; past
 * {@link #maxJobTags(int) a cap} of distinct names, {@code other}):
 * <ul>
 *   <li>timer {@code jrq.job.execution{outcome}}: run time of each attempt, {@code outcome} one of
 *       {@code finished}, {@code failed}, {@code retried}, {@code stopped}, {@code timeout},
 *       {@code lost} (the lease was lost while it ran);</li>
 *   <li>timer {@code jrq.job.wait}: from the job's enqueue time (its due time when delayed or
 *       retried after a backoff, its requeue time when given back) to the start of the attempt;</li>
 *   <li>counters {@code jrq.jobs.enqueued}, {@code jrq.jobs.finished}, {@code jrq.jobs.failed}
 *       (for good), {@code jrq.jobs.retried}, {@code jrq.jobs.not.allowed};</li>
 *   <li>counter {@code jrq.lease.expired{queue}}: jobs of dead or stalled workers this process gave
 *       back or failed;</li>
 *   <li>gauges {@code jrq.worker.busy{worker}} and {@code jrq.worker.slots{worker}} per worker of
 *       this process.</li>
 * </ul>
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
 * <p>The queue gauges are read from Redis once per {@link #interval(Duration) interval} (default
 * 10 s) by one daemon thread, however often and by however many registries they are scraped: a
 * scrape returns the last read and costs Redis nothing. One read is {@code Admin.queues()} and
 * {@code Admin.workers()}: a few commands per queue and one per live worker. When Redis cannot be
 * read, the gauges keep their last values and the next interval tries again. A process that needs
 * only its own jobs' meters turns them off with {@link #queueGauges(boolean)}. Micrometer is an
 * optional dependency of jrq: an application that does not use this class needs no Micrometer.
 *
 * <p>Thread-safe. {@link #close()} stops the reads and the per-job meters (counters and timers keep
 * their totals; the worker gauges are removed).
 */
public final class JrqMetrics implements MeterBinder, AutoCloseable {
    /** The default time between two reads of the queues. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** The default cap on distinct values of the {@code job} tag. */
    public static final int DEFAULT_MAX_JOB_TAGS = 100;

    private final Jrq jrq;
    private final Duration interval;
    private final List<Tag> tags;
    private final int maxJobTags;
    private final boolean histograms;
    private final boolean queueGauges;
    private QueueGauges gauges;
    private JobMeters jobMeters;
    private boolean bound;

    /** @param jrq the client whose jobs and queues are measured (not closed by this) */
    public JrqMetrics(Jrq jrq) {
        this(jrq, DEFAULT_INTERVAL, List.of(), DEFAULT_MAX_JOB_TAGS, false, true);
    }

    private JrqMetrics(
            Jrq jrq, Duration interval, List<Tag> tags, int maxJobTags, boolean histograms, boolean queueGauges) {
        this.jrq = Objects.requireNonNull(jrq, "jrq");
        this.interval = interval;
        this.tags = tags;
        this.maxJobTags = maxJobTags;
        this.histograms = histograms;
        this.queueGauges = queueGauges;
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
        return new JrqMetrics(jrq, interval, tags, maxJobTags, histograms, queueGauges);
    }

    /**
     * @param tags tags added to every meter, e.g. {@code Tags.of("app", "billing")}
     * @return a binder like this one with those tags
     */
    public JrqMetrics tags(Iterable<Tag> tags) {
        Objects.requireNonNull(tags, "tags");
        List<Tag> all = new java.util.ArrayList<>(this.tags);
        tags.forEach(all::add);
        return new JrqMetrics(jrq, interval, List.copyOf(all), maxJobTags, histograms, queueGauges);
    }

    /**
     * @param max how many distinct function names the {@code job} tag takes (1 to 10,000, default
     *     100); the jobs of later names are counted under {@code job="other"}
     * @return a binder like this one with that cap
     * @throws IllegalArgumentException outside that range
     */
    public JrqMetrics maxJobTags(int max) {
        if (max < 1 || max > 10_000) {
            throw new IllegalArgumentException("maxJobTags must be between 1 and 10000, got " + max);
        }
        return new JrqMetrics(jrq, interval, tags, max, histograms, queueGauges);
    }

    /**
     * @param publish true to publish percentile histograms of {@code jrq.job.execution} and
     *     {@code jrq.job.wait} (for {@code histogram_quantile} in Prometheus; about 70 series per
     *     timer and tag set), false (the default) for count, sum and max only
     * @return a binder like this one with that setting
     */
    public JrqMetrics histograms(boolean publish) {
        return new JrqMetrics(jrq, interval, tags, maxJobTags, publish, queueGauges);
    }

    /**
     * @param read false to leave out the queue-wide gauges (no reads of Redis), e.g. in a producer
     *     that only needs its enqueue counters; true by default
     * @return a binder like this one with that setting
     */
    public JrqMetrics queueGauges(boolean read) {
        return new JrqMetrics(jrq, interval, tags, maxJobTags, histograms, read);
    }

    /** @return the time between two reads of the queues */
    public Duration interval() {
        return interval;
    }

    /**
     * Registers the meters and starts reading the queues (the first read at once).
     *
     * @throws IllegalStateException when this binder is already bound (make another for another registry)
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (bound) {
            throw new IllegalStateException("already bound to a registry; make one JrqMetrics per registry");
        }
        bound = true;
        jobMeters = new JobMeters(registry, tags, maxJobTags, histograms);
        jrq.observers().add(jobMeters);
        if (queueGauges) {
            gauges = QueueGauges.start(jrq.admin(), registry, tags, interval);
        }
    }

    /** Stops reading the queues and measuring jobs. */
    @Override
    public synchronized void close() {
        if (gauges != null) {
            gauges.close();
        }
        if (jobMeters != null) {
            jrq.observers().remove(jobMeters);
            jobMeters.close();
        }
    }
}
