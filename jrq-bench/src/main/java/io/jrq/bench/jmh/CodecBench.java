package io.jrq.bench.jmh;

import io.jrq.Fn;
import io.jrq.bench.BenchJobs;
import io.jrq.internal.codec.Args;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.codec.JobIds;
import io.jrq.internal.codec.MethodRefs;
import io.jrq.internal.codec.MethodTarget;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * The payload's trip through the JVM: what {@code Queue.enqueue} does before Redis (resolve the
 * method reference, encode the argument, write the envelope) and what the worker does after the
 * fetch (parse the envelope, decode the arguments).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CodecBench {
    private static final Fn.F1<Long, Long> NOOP = BenchJobs::noop;

    private MethodTarget target;
    private String payload;
    private Envelope parsed;

    @Setup
    public void setup() {
        target = MethodRefs.resolve(NOOP, null);
        payload = encodeNoop();
        parsed = Envelope.parse(payload);
    }

    /** Resolve + encode + envelope JSON, as {@code Queue.enqueue(BenchJobs::noop, 42L)} does, with its generated id. */
    @Benchmark
    public String encodeNoop() {
        MethodTarget t = MethodRefs.resolve(NOOP, null);
        Envelope env = new Envelope(
                JobIds.next(),
                t.fn(),
                Args.encode(t, new Object[] {42L}),
                t.params(),
                null,
                Map.of(),
                500,
                null,
                -1,
                List.of(),
                Map.of());
        return env.toJson();
    }

    /** The random job id alone ({@code JobIds.next()}: 16 base62 characters). */
    @Benchmark
    public String jobId() {
        return JobIds.next();
    }

    /** {@code UUID.randomUUID().toString()}, the id older versions generated, for scale. */
    @Benchmark
    public String uuid() {
        return UUID.randomUUID().toString();
    }

    /** Envelope parsing and argument decoding, as the worker's Invoker does before the call. */
    @Benchmark
    public Object[] decodeNoop() throws Exception {
        Envelope env = Envelope.parse(payload);
        return Args.decode(target.method(), env.args());
    }

    /** Argument decoding alone, from an already parsed envelope. */
    @Benchmark
    public Object[] decodeArgsOnly() {
        return Args.decode(target.method(), parsed.args());
    }
}
