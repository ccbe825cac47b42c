package io.jrq.bench.jmh;

import io.jrq.Fn;
import io.jrq.InstanceResolver;
import io.jrq.bench.BenchJobs;
import io.jrq.internal.codec.Args;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.codec.MethodRefs;
import io.jrq.internal.codec.MethodTarget;
import io.jrq.internal.codec.RetrySpec;
import io.jrq.internal.worker.Invoker;
import io.jrq.internal.worker.LeasedJob;
import io.jrq.internal.worker.Outcome;
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
 * The worker's per-job work between fetch and acknowledgement: {@code Invoker.run} on a leased job
 * (parse, allow check, method lookup, argument decoding, the call, result encoding).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class InvokeBench {
    private static final Fn.F1<Long, Long> NOOP = BenchJobs::noop;

    private Invoker invoker;
    private String payload;

    @Setup
    public void setup() {
        invoker = new Invoker(
                List.of("io.jrq.bench"),
                false,
                Map.of(),
                Map.of(),
                RetrySpec.NONE,
                InstanceResolver.constructors(),
                InvokeBench.class.getClassLoader());
        MethodTarget t = MethodRefs.resolve(NOOP, null);
        payload = new Envelope(
                        "3f1c1f9e-6b0b-4d7e-9a51-2f6f0c2a8d11",
                        t.fn(),
                        Args.encode(t, new Object[] {42L}),
                        t.params(),
                        null,
                        Map.of(),
                        500,
                        null,
                        -1,
                        List.of(),
                        Map.of())
                .toJson();
        Outcome o = runNoop();
        if (!o.finished()) {
            throw new IllegalStateException("the no-op job did not finish: " + o);
        }
    }

    /** One no-op job through the invoker, from payload text to result JSON. */
    @Benchmark
    public Outcome runNoop() {
        LeasedJob job = new LeasedJob("bench", "3f1c1f9e-6b0b-4d7e-9a51-2f6f0c2a8d11", payload, "w:1", 1, 0);
        return invoker.run(job, InvokeBench::started);
    }

    /** The plain reflective call, for scale. */
    @Benchmark
    public Object reflectiveCall() throws Exception {
        return BenchJobs.class.getMethod("noop", long.class).invoke(null, 42L);
    }

    /** The invoker's start callback: nothing to do in a benchmark. */
    private static void started() {}
}
