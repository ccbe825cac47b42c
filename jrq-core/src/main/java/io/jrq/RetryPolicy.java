package io.jrq;

import io.jrq.internal.codec.RetrySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How often a failed job is tried again and how long it waits in between. Immutable.
 *
 * <ul>
 *   <li>{@link #none()}: one attempt (the default);</li>
 *   <li>{@link #fixed(int, Duration)}: up to N attempts, the same wait before each retry;</li>
 *   <li>{@link #intervals(Duration...)}: one retry per given wait, in order;</li>
 *   <li>{@link #exponential(int, Duration, Duration, double)}: waits of base·2^(n-1), capped, with
 *       random jitter so that retries of many jobs failing together spread out.</li>
 * </ul>
 *
 * <p>A job that throws {@link NonRetryableException} (or a type given to
 * {@link #withoutRetryOn(Class[])}) fails at once. Waits are measured on the Redis clock.
 */
public final class RetryPolicy {
    private static final RetryPolicy NONE = new RetryPolicy(RetrySpec.NONE);

    private final RetrySpec spec;

    private RetryPolicy(RetrySpec spec) {
        this.spec = spec;
    }

    /** @return a single attempt, no retries */
    public static RetryPolicy none() {
        return NONE;
    }

    /**
     * @param maxAttempts total attempts, 1 to 1000
     * @param delay wait before each retry, zero or more
     * @return the policy
     */
    public static RetryPolicy fixed(int maxAttempts, Duration delay) {
        return new RetryPolicy(
                new RetrySpec(attempts(maxAttempts), "FIXED", List.of(ms(delay, "delay")), 0, 0, 0, List.of()));
    }

    /**
     * @param delays the wait before each retry; attempts = delays + 1 (at most 1000)
     * @return the policy
     */
    public static RetryPolicy intervals(Duration... delays) {
        if (delays.length == 0 || delays.length > 999) {
            throw new IllegalArgumentException("intervals needs 1 to 999 delays, got " + delays.length);
        }
        List<Long> ms = Arrays.stream(delays).map(d -> ms(d, "delay")).toList();
        return new RetryPolicy(new RetrySpec(delays.length + 1, "INTERVALS", ms, 0, 0, 0, List.of()));
    }

    /**
     * @param maxAttempts total attempts, 1 to 1000
     * @param base the first wait, positive
     * @param cap the longest wait, at least {@code base}
     * @param jitter 0 (none) to 1: each wait is drawn from [w·(1-jitter), w]
     * @return the policy
     */
    public static RetryPolicy exponential(int maxAttempts, Duration base, Duration cap, double jitter) {
        long b = ms(base, "base");
        long c = ms(cap, "cap");
        if (b == 0 || c < b) {
            throw new IllegalArgumentException(
                    "exponential backoff needs 0 < base <= cap, got base " + base + ", cap " + cap);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, got: " + jitter);
        }
        return new RetryPolicy(new RetrySpec(attempts(maxAttempts), "EXPONENTIAL", List.of(), b, c, jitter, List.of()));
    }

    /**
     * @param types exception types that fail the job at once, besides {@link NonRetryableException}
     * @return a copy of this policy that also stops on those types
     */
    @SafeVarargs
    public final RetryPolicy withoutRetryOn(Class<? extends Throwable>... types) {
        List<String> names = new ArrayList<>(spec.never());
        for (Class<? extends Throwable> t : types) {
            names.add(Objects.requireNonNull(t, "type").getName());
        }
        return new RetryPolicy(new RetrySpec(
                spec.maxAttempts(),
                spec.backoff(),
                spec.delaysMs(),
                spec.baseMs(),
                spec.capMs(),
                spec.jitter(),
                names));
    }

    /** @return total attempts allowed */
    public int maxAttempts() {
        return spec.maxAttempts();
    }

    /**
     * @param attempt the attempt that just failed, from 1
     * @return how long the job waits before the next attempt (random within the jitter)
     */
    public Duration delayAfter(int attempt) {
        return Duration.ofMillis(spec.delayAfterMs(attempt));
    }

    RetrySpec spec() {
        return spec;
    }

    private static int attempts(int n) {
        if (n < 1 || n > 1000) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 1000, got: " + n);
        }
        return n;
    }

    private static long ms(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got: " + d);
        }
        return d.toMillis();
    }

    @Override
    public String toString() {
        return "RetryPolicy[" + spec.backoff() + ", maxAttempts=" + spec.maxAttempts() + "]";
    }
}
