package io.jrq.bench.jmh;

import io.jrq.internal.metrics.JobMeters;
import io.jrq.internal.observe.Attempt;
import io.jrq.internal.observe.AttemptEnd;
import io.jrq.internal.observe.Observers;
import io.jrq.internal.worker.LeasedJob;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the per-job meters add to one attempt on the worker: the observer calls a worker makes at
 * an attempt's start and end, with {@code JrqMetrics}' meters on a Prometheus registry, against the
 * same calls with nothing bound.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MeterBench {
    private final Observers none = new Observers();
    private final Observers metered = new Observers();
    private LeasedJob job;

    @Setup
    public void setup() {
        metered.add(new JobMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), List.of(), 100, false));
        job = new LeasedJob("bench", "3f1c1f9e-6b0b-4d7e-9a51-2f6f0c2a8d11", "{}", "w:1", 1, 3);
    }

    @Benchmark
    public Attempt unobserved() {
        return attempt(none);
    }

    @Benchmark
    public Attempt metered() {
        return attempt(metered);
    }

    private Attempt attempt(Observers observers) {
        if (observers.isEmpty()) {
            return Attempt.NONE;
        }
        Attempt a = observers.started(job, "bench-worker", 3_000_000, Map.of());
        a.enter().close();
        a.ended(AttemptEnd.FINISHED, false, null, null, 5_000);
        return a;
    }
}
