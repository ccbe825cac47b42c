package io.jrq.bench;

import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs the benchmarks enqueue. They do no work, so what is measured is the queue itself;
 * {@link #echo(String)} adds the cost of carrying an argument and a result of a given size.
 *
 * <p>{@link #pickup(long)} takes the producer's wall-clock time (microseconds since the epoch, read
 * just before the enqueue call) and records how long the job took to start. Producer and worker are
 * processes on the same machine, so they share the clock.
 */
public final class BenchJobs {
    private static final int CAPACITY = 2_000_000;
    private static final long[] PICKUP_MICROS = new long[CAPACITY];
    private static final AtomicInteger RECORDED = new AtomicInteger();

    private BenchJobs() {}

    /**
     * Does nothing.
     *
     * @param i any number
     * @return {@code i}
     */
    public static long noop(long i) {
        return i;
    }

    /**
     * Does nothing but give its argument back, so the result is as large as the argument.
     *
     * @param s any text
     * @return {@code s}
     */
    public static String echo(String s) {
        return s;
    }

    /**
     * Records the time from the producer's enqueue call to this job's start.
     *
     * @param sentMicros the producer's wall-clock time in microseconds since the epoch
     * @return the pickup latency in microseconds
     */
    public static long pickup(long sentMicros) {
        long latency = nowMicros() - sentMicros;
        int i = RECORDED.getAndIncrement();
        if (i < CAPACITY) {
            PICKUP_MICROS[i] = latency;
        }
        return latency;
    }

    /** @return the wall-clock time in microseconds since the epoch (microsecond resolution on Linux) */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** @return the pickup latencies recorded since the last call, sorted; clears them */
    static synchronized long[] drainPickups() {
        int n = Math.min(RECORDED.getAndSet(0), CAPACITY);
        long[] out = Arrays.copyOf(PICKUP_MICROS, n);
        Arrays.sort(out);
        return out;
    }
}
