package io.jrq.internal.metrics;

import io.jrq.JobContext;
import io.jrq.JobNotAllowedException;
import io.jrq.internal.observe.Attempt;
import io.jrq.internal.observe.AttemptEnd;
import io.jrq.internal.observe.JobObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * The per-job meters of {@link io.jrq.JrqMetrics}: timers of run and wait time, counters of jobs
 * enqueued and ended, leases expired, and the busy slots of each worker of this process. Meters are
 * looked up once per (queue, job, outcome) and kept, so an attempt costs a few map reads and the
 * meters' own updates. The {@code job} tag takes at most {@code maxJobTags} distinct function names;
 * later names are counted under {@value #OTHER}, so a producer inventing names cannot grow the
 * registry without bound.
 */
public final class JobMeters implements JobObserver {
    /** The {@code job} tag of every function past the cap. */
    public static final String OTHER = "other";

    private record Key(String queue, String job, String outcome) {}

    /**
     * The meters of one (queue, job) pair, looked up once per attempt; the execution timer per
     * outcome and the counters are made on first use, so a scrape shows only what happened.
     */
    private final class Series {
        private final String queue;
        private final String job;
        private final Timer wait;
        private final AtomicReferenceArray<Timer> execution =
                new AtomicReferenceArray<>(AttemptEnd.values().length + 1);
        private volatile Counter finished;
        private volatile Counter failed;
        private volatile Counter retried;

        Series(String queue, String job) {
            this.queue = queue;
            this.job = job;
            this.wait = timer(
                    "jrq.job.wait",
                    "time from a job's enqueue, due or requeue time to the start of its attempt",
                    new Key(queue, job, null));
        }

        @SuppressWarnings("EnumOrdinal") // the timers sit in an array indexed by outcome: no map lookup per job
        void ended(AttemptEnd end, boolean timedOut, String errorType, long runNanos) {
            // the slot after the outcomes is "timeout"
            int slot = timedOut ? execution.length() - 1 : end.ordinal();
            Timer t = execution.get(slot);
            if (t == null) {
                t = executionTimer(slot, timedOut ? "timeout" : end.tag());
            }
            t.record(runNanos, TimeUnit.NANOSECONDS);
            switch (end) {
                case FINISHED -> counter(0).increment();
                case FAILED -> counter(1).increment();
                case RETRIED -> counter(2).increment();
                default -> {}
            }
            if (JobNotAllowedException.class.getName().equals(errorType)) {
                notAllowed
                        .computeIfAbsent(
                                new Key(queue, job, null),
                                k -> Counter.builder("jrq.jobs.not.allowed")
                                        .tags(common)
                                        .tags("queue", k.queue(), "job", k.job())
                                        .description(
                                                "jobs refused because their class is outside the worker's allowed packages")
                                        .register(registry))
                        .increment();
            }
        }

        private synchronized Timer executionTimer(int slot, String outcome) {
            Timer t = execution.get(slot);
            if (t == null) {
                t = timer("jrq.job.execution", "run time of an attempt", new Key(queue, job, outcome));
                execution.set(slot, t);
            }
            return t;
        }

        private Counter counter(int which) {
            Counter c = which == 0 ? finished : which == 1 ? failed : retried;
            return c != null ? c : makeCounter(which);
        }

        private synchronized Counter makeCounter(int which) {
            String name = which == 0 ? "jrq.jobs.finished" : which == 1 ? "jrq.jobs.failed" : "jrq.jobs.retried";
            String description = which == 0
                    ? "attempts that finished their job"
                    : which == 1
                            ? "attempts that failed their job for good (no attempt left, or not retryable)"
                            : "attempts that failed and will run again after their backoff";
            Counter c = Counter.builder(name)
                    .tags(common)
                    .tags("queue", queue, "job", job)
                    .description(description)
                    .register(registry);
            if (which == 0) {
                finished = c;
            } else if (which == 1) {
                failed = c;
            } else {
                retried = c;
            }
            return c;
        }
    }

    private final MeterRegistry registry;
    private final Tags common;
    private final int maxJobTags;
    private final boolean histograms;
    private final Set<String> jobTags = ConcurrentHashMap.newKeySet();
    private final Map<Key, Counter> enqueued = new ConcurrentHashMap<>();
    private final Map<Key, Counter> notAllowed = new ConcurrentHashMap<>();
    /** queue → function → its series: two lookups on strings whose hashes are cached. */
    private final Map<String, Map<String, Series>> series = new ConcurrentHashMap<>();

    private final Map<String, Counter> expired = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> workerGauges = new ConcurrentHashMap<>();

    /**
     * @param registry where the meters go
     * @param tags added to every meter
     * @param maxJobTags how many distinct values the {@code job} tag may take
     * @param histograms true to publish percentile histograms of the timers
     */
    public JobMeters(MeterRegistry registry, List<Tag> tags, int maxJobTags, boolean histograms) {
        this.registry = registry;
        this.common = Tags.of(tags);
        this.maxJobTags = maxJobTags;
        this.histograms = histograms;
    }

    /**
     * @param function a function or handler name
     * @return its {@code job} tag: the name while under the cap, else {@value #OTHER}
     */
    String jobTag(String function) {
        if (function == null || function.isEmpty()) {
            return "unknown";
        }
        if (jobTags.contains(function)) {
            return function;
        }
        synchronized (jobTags) {
            if (jobTags.size() < maxJobTags) {
                jobTags.add(function);
                return function;
            }
        }
        return OTHER;
    }

    @Override
    public void enqueued(String queue, List<String> functions) {
        for (String fn : functions) {
            Key key = new Key(queue, jobTag(fn), null);
            enqueued.computeIfAbsent(
                            key,
                            k -> Counter.builder("jrq.jobs.enqueued")
                                    .tags(common)
                                    .tags("queue", k.queue(), "job", k.job())
                                    .description("jobs stored by enqueue calls of this process")
                                    .register(registry))
                    .increment();
        }
    }

    @Override
    public Attempt started(JobContext job, String worker, long waitNanos, Map<String, String> carrier) {
        Series s = seriesOf(job.queue(), job.function());
        s.wait.record(waitNanos, TimeUnit.NANOSECONDS);
        return (end, timedOut, errorType, errorMessage, runNanos) -> s.ended(end, timedOut, errorType, runNanos);
    }

    private Series seriesOf(String queue, String function) {
        Map<String, Series> byFunction = series.computeIfAbsent(queue, q -> new ConcurrentHashMap<>());
        Series s = function == null ? null : byFunction.get(function);
        if (s != null) {
            return s;
        }
        // a function past the cap is found under its tag, "other", which all such functions share
        return byFunction.computeIfAbsent(jobTag(function), t -> new Series(queue, t));
    }

    private Timer timer(String name, String description, Key k) {
        Timer.Builder b = Timer.builder(name)
                .tags(common)
                .tags("queue", k.queue(), "job", k.job())
                .description(description);
        if (k.outcome() != null) {
            b.tag("outcome", k.outcome());
        }
        if (histograms) {
            b.publishPercentileHistogram();
        }
        return b.register(registry);
    }

    @Override
    public void leasesExpired(String queue, long jobs) {
        expired.computeIfAbsent(
                        queue,
                        q -> Counter.builder("jrq.lease.expired")
                                .tags(common)
                                .tags("queue", q)
                                .description(
                                        "jobs whose worker died or stalled, given back to their queue (or failed) by this process")
                                .register(registry))
                .increment((double) jobs);
    }

    @Override
    public void workerStarted(String worker, int slots, IntSupplier busy) {
        List<Meter> meters = new ArrayList<>(2);
        meters.add(Gauge.builder("jrq.worker.busy", busy, s -> s.getAsInt())
                .tags(common)
                .tag("worker", worker)
                .description("jobs this worker runs now")
                .register(registry));
        meters.add(Gauge.builder("jrq.worker.slots", () -> slots)
                .tags(common)
                .tag("worker", worker)
                .description("jobs this worker runs at most at once")
                .register(registry));
        workerGauges.put(worker, meters);
    }

    @Override
    public void workerStopped(String worker) {
        List<Meter> meters = workerGauges.remove(worker);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    /** Removes the worker gauges (the counters and timers stay: their totals remain true). */
    public void close() {
        for (String worker : List.copyOf(workerGauges.keySet())) {
            workerStopped(worker);
        }
    }
}
