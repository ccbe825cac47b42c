package io.jrq;

import java.time.Duration;
import java.util.Objects;

/**
 * How sure an enqueue must be that the job survives a Redis crash before it returns.
 *
 * <p>By default ({@link #none()}) an enqueue returns as soon as the primary has stored the job in
 * memory; what happens to it when that server then dies depends on the server's persistence
 * settings ({@code appendfsync always} keeps every acknowledged job, {@code everysec} may lose the
 * last second of writes) and on whether a replica had copied it before a failover. A stricter
 * durability makes the enqueue wait, after storing the job, until the write has reached replicas
 * ({@code WAIT}) or the append-only file on disk ({@code WAITAOF}, Redis 7.2 or later):
 *
 * <pre>{@code
 * queue.with(EnqueueOptions.builder().durability(Durability.replicas(1, Duration.ofSeconds(1))).build())
 *      .enqueue(Billing::charge, orderId);
 * }</pre>
 *
 * <p>When the confirmation does not arrive in time the enqueue throws {@link NotDurableException}:
 * the job is stored and will run, but its survival of a crash is not confirmed. Waiting runs on a
 * connection of its own, so other commands of the client are never held up by it. Inline mode
 * ({@link Jrq#inline()}) has nothing to wait for and ignores it.
 */
public final class Durability {
    private static final Durability NONE = new Durability(false, 0, Duration.ZERO);

    private final boolean localFsync;
    private final int replicas;
    private final Duration timeout;

    private Durability(boolean localFsync, int replicas, Duration timeout) {
        this.localFsync = localFsync;
        this.replicas = replicas;
        this.timeout = timeout;
    }

    /** @return return once the primary has stored the job (the default) */
    public static Durability none() {
        return NONE;
    }

    /**
     * Waits until at least {@code count} replicas have the job ({@code WAIT count timeout}).
     *
     * @param count replicas that must acknowledge, at least 1
     * @param timeout how long to wait for them, at least 1 ms
     * @return the durability
     */
    public static Durability replicas(int count, Duration timeout) {
        return new Durability(false, checkReplicas(count, 1), checkTimeout(timeout));
    }

    /**
     * Waits until the primary has fsynced the job to its append-only file ({@code WAITAOF 1 0
     * timeout}; needs Redis 7.2 or later with {@code appendonly yes}).
     *
     * @param timeout how long to wait, at least 1 ms
     * @return the durability
     */
    public static Durability appendFsync(Duration timeout) {
        return new Durability(true, 0, checkTimeout(timeout));
    }

    /**
     * Waits until the primary and at least {@code replicas} replicas have fsynced the job to their
     * append-only files ({@code WAITAOF 1 replicas timeout}; needs Redis 7.2 or later).
     *
     * @param replicas replicas that must have fsynced it too, 0 or more
     * @param timeout how long to wait, at least 1 ms
     * @return the durability
     */
    public static Durability appendFsync(int replicas, Duration timeout) {
        return new Durability(true, checkReplicas(replicas, 0), checkTimeout(timeout));
    }

    /** @return true for {@link #none()} */
    public boolean isNone() {
        return !localFsync && replicas == 0;
    }

    /** @return true when the primary's append-only file must be fsynced ({@code WAITAOF}) */
    public boolean localFsync() {
        return localFsync;
    }

    /** @return how many replicas must acknowledge (or fsync, with {@link #localFsync()}) */
    public int replicas() {
        return replicas;
    }

    /** @return how long the enqueue waits for the confirmation */
    public Duration timeout() {
        return timeout;
    }

    private static int checkReplicas(int count, int min) {
        if (count < min) {
            throw new IllegalArgumentException("replicas must be at least " + min + ", got: " + count);
        }
        return count;
    }

    private static Duration checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("durability timeout must be at least 1 ms, got: " + timeout);
        }
        return timeout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Durability d
                && d.localFsync == localFsync
                && d.replicas == replicas
                && d.timeout.equals(timeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(localFsync, replicas, timeout);
    }

    @Override
    public String toString() {
        if (isNone()) {
            return "Durability.none()";
        }
        return localFsync
                ? "Durability.appendFsync(" + replicas + ", " + timeout + ")"
                : "Durability.replicas(" + replicas + ", " + timeout + ")";
    }
}
