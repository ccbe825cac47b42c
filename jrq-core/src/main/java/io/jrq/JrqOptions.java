package io.jrq;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Jrq} client connects and what it stores. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults: URL {@value #DEFAULT_URL}, key prefix {@code jrq}, result TTL 500 s (like RQ), failed
 * jobs kept 7 days and at most 10,000 per queue, payload limit 1 MiB, Redis command timeout 10 s.
 */
public final class JrqOptions {
    /** The URL used when none is given. */
    public static final String DEFAULT_URL = "redis://localhost:6379";

    private final String url;
    private final String keyPrefix;
    private final Duration resultTtl;
    private final Duration failureTtl;
    private final int failedJobsMax;
    private final int maxPayloadBytes;
    private final Duration commandTimeout;
    private final Clock clock;
    private final Durability durability;

    private JrqOptions(Builder b) {
        this.url = b.url;
        this.keyPrefix = b.keyPrefix;
        this.resultTtl = b.resultTtl;
        this.failureTtl = b.failureTtl;
        this.failedJobsMax = b.failedJobsMax;
        this.maxPayloadBytes = b.maxPayloadBytes;
        this.commandTimeout = b.commandTimeout;
        this.clock = b.clock;
        this.durability = b.durability;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the defaults */
    public static JrqOptions defaults() {
        return builder().build();
    }

    /** @return a builder holding this object's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.url = url;
        b.keyPrefix = keyPrefix;
        b.resultTtl = resultTtl;
        b.failureTtl = failureTtl;
        b.failedJobsMax = failedJobsMax;
        b.maxPayloadBytes = maxPayloadBytes;
        b.commandTimeout = commandTimeout;
        b.clock = clock;
        b.durability = durability;
        return b;
    }

    /**
     * @return the Redis URL: {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} for
     *     TLS, {@code redis-sentinel://...} (Lettuce syntax), or
     *     {@code redis-cluster://host:port[,host:port...]} (also {@code rediss-cluster://})
     */
    public String url() { return url; }

    /** @return the first segment of every Redis key jrq writes */
    public String keyPrefix() { return keyPrefix; }

    /** @return how long a finished job and its result are kept */
    public Duration resultTtl() { return resultTtl; }

    /** @return how long a failed job is kept */
    public Duration failureTtl() { return failureTtl; }

    /**
     * @return how many ended jobs each registry of a queue (finished, failed, canceled) keeps at most;
     *     past it the oldest are deleted, even before their TTL
     */
    public int failedJobsMax() { return failedJobsMax; }

    /** @return the largest encoded job payload accepted at enqueue, in bytes */
    public int maxPayloadBytes() { return maxPayloadBytes; }

    /** @return how long one Redis command may take before it fails */
    public Duration commandTimeout() { return commandTimeout; }

    /** @return the clock used inside the JVM (waits, worker registry); Redis time rules leases */
    public Clock clock() { return clock; }

    /**
     * @return how sure an enqueue must be that its jobs survive a Redis crash before it returns,
     *     unless {@link EnqueueOptions#durability()} says otherwise; {@link Durability#none()} by default
     */
    public Durability durability() { return durability; }

    /** Builder for {@link JrqOptions}; every setter rejects bad values with a message naming them. */
    public static final class Builder {
        private String url = DEFAULT_URL;
        private String keyPrefix = "jrq";
        private Duration resultTtl = Duration.ofSeconds(500);
        private Duration failureTtl = Duration.ofDays(7);
        private int failedJobsMax = 10_000;
        private int maxPayloadBytes = 1 << 20;
        private Duration commandTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private Durability durability = Durability.none();

        private Builder() {
        }

        /** @param url the Redis URL, see {@link JrqOptions#url()} @return this builder */
        public Builder url(String url) {
            Objects.requireNonNull(url, "url");
            if (!url.contains("://")) {
                throw new IllegalArgumentException("Redis URL must start with redis://, rediss://, redis-sentinel:// or redis-cluster://, got: " + url);
            }
            this.url = url;
            return this;
        }

        /** @param keyPrefix non-empty, without ':' '{' '}' @return this builder */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isEmpty() || keyPrefix.matches(".*[:{}\\s].*")) {
                throw new IllegalArgumentException("key prefix must be non-empty without ':', '{', '}' or spaces, got: '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** @param ttl at least one second @return this builder */
        public Builder resultTtl(Duration ttl) {
            this.resultTtl = positiveSeconds(ttl, "resultTtl");
            return this;
        }

        /** @param ttl at least one second @return this builder */
        public Builder failureTtl(Duration ttl) {
            this.failureTtl = positiveSeconds(ttl, "failureTtl");
            return this;
        }

        /** @param max at least 1 @return this builder */
        public Builder failedJobsMax(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("failedJobsMax must be at least 1, got: " + max);
            }
            this.failedJobsMax = max;
            return this;
        }

        /** @param bytes at least 1024 @return this builder */
        public Builder maxPayloadBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxPayloadBytes must be at least 1024, got: " + bytes);
            }
            this.maxPayloadBytes = bytes;
            return this;
        }

        /** @param timeout positive @return this builder */
        public Builder commandTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "commandTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("commandTimeout must be positive, got: " + timeout);
            }
            this.commandTimeout = timeout;
            return this;
        }

        /** @param clock the JVM-side clock (tests inject a fixed or offset one) @return this builder */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param durability the default for every enqueue of this client (see {@link Durability})
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** @return the options */
        public JrqOptions build() {
            return new JrqOptions(this);
        }

        static Duration positiveSeconds(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.getSeconds() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 second, got: " + d);
            }
            return d;
        }
    }
}
