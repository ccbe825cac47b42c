package io.jrq;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Per-job choices made at enqueue time. Immutable; build with {@link #builder()} and apply with
 * {@link Queue#with(EnqueueOptions)}. Unset values fall back to the client's {@link JrqOptions}.
 */
public final class EnqueueOptions {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@/+=-]{1,128}");
    private static final EnqueueOptions NONE = builder().build();

    private final String jobId;
    private final String description;
    private final Map<String, String> meta;
    private final Duration resultTtl;
    private final boolean atFront;
    private final Instant at;
    private final Duration delay;
    private final String uniqueKey;
    private final Uniqueness uniqueness;
    private final Duration uniqueTtl;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final List<String> dependsOn;
    private final DependencyPolicy dependencyPolicy;
    private final Map<String, String> callbacks;
    private final Durability durability;
    private final String orderingKey;

    private EnqueueOptions(Builder b) {
        this.jobId = b.jobId;
        this.description = b.description;
        this.meta = Collections.unmodifiableMap(new LinkedHashMap<>(b.meta));
        this.resultTtl = b.resultTtl;
        this.atFront = b.atFront;
        this.at = b.at;
        this.delay = b.delay;
        this.uniqueKey = b.uniqueKey;
        this.uniqueness = b.uniqueness;
        this.uniqueTtl = b.uniqueTtl;
        this.retry = b.retry;
        this.timeout = b.timeout;
        this.dependsOn = List.copyOf(b.dependsOn);
        this.dependencyPolicy = b.dependencyPolicy;
        // In the order they were set, not Map.copyOf's order of the day: the same options must give
        // the same payload in every process, so that an enqueue repeated with its id finds its job.
        this.callbacks = Collections.unmodifiableMap(new LinkedHashMap<>(b.callbacks));
        this.durability = b.durability;
        this.orderingKey = b.orderingKey;
    }

    /** @return a builder holding this object's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.jobId = jobId;
        b.description = description;
        b.meta.putAll(meta);
        b.resultTtl = resultTtl;
        b.atFront = atFront;
        b.at = at;
        b.delay = delay;
        b.uniqueKey = uniqueKey;
        b.uniqueness = uniqueness;
        b.uniqueTtl = uniqueTtl;
        b.retry = retry;
        b.timeout = timeout;
        b.dependsOn.addAll(dependsOn);
        b.dependencyPolicy = dependencyPolicy;
        b.callbacks.putAll(callbacks);
        b.durability = durability;
        b.orderingKey = orderingKey;
        return b;
    }

    /** @return a builder with nothing set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return options with nothing set */
    public static EnqueueOptions none() {
        return NONE;
    }

    /** @return the custom job id, or null to let jrq generate one */
    public String jobId() {
        return jobId;
    }

    /** @return a human description shown by the CLI and dashboard, or null */
    public String description() {
        return description;
    }

    /** @return free-form string metadata stored with the job (never null) */
    public Map<String, String> meta() {
        return meta;
    }

    /** @return how long the result is kept, or null for the client default */
    public Duration resultTtl() {
        return resultTtl;
    }

    /** @return true to put the job at the front of its queue */
    public boolean atFront() {
        return atFront;
    }

    /** @return when the job is due (Redis clock), or null for now */
    public Instant at() {
        return at;
    }

    /** @return how long after enqueue the job is due, or null for now */
    public Duration delay() {
        return delay;
    }

    /** @return the unique key, or null */
    public String uniqueKey() {
        return uniqueKey;
    }

    /** @return the ordering key, or null */
    public String orderingKey() {
        return orderingKey;
    }

    /** @return how long the unique key holds when no TTL is set, or null */
    public Uniqueness uniqueness() {
        return uniqueness;
    }

    /** @return how long the unique key holds, when set by TTL, or null */
    public Duration uniqueTtl() {
        return uniqueTtl;
    }

    /** @return the retry policy, or null for the worker's default */
    public RetryPolicy retry() {
        return retry;
    }

    /** @return the timeout of each attempt, or null for the worker's default */
    public Duration timeout() {
        return timeout;
    }

    /** @return the jobs this one waits for, as "queue/id" */
    public List<String> dependsOn() {
        return dependsOn;
    }

    /** @return what happens when a dependency does not finish */
    public DependencyPolicy dependencyPolicy() {
        return dependencyPolicy;
    }

    /** @return callbacks by event (success, failure, stopped) as {@code class::method} */
    public Map<String, String> callbacks() {
        return callbacks;
    }

    /** @return how sure the enqueue must be that the jobs survive a Redis crash, or null for the client default */
    public Durability durability() {
        return durability;
    }

    /** Builder for {@link EnqueueOptions}. */
    public static final class Builder {
        private String jobId;
        private String description;
        private final Map<String, String> meta = new LinkedHashMap<>();
        private Duration resultTtl;
        private boolean atFront;
        private Instant at;
        private Duration delay;
        private String uniqueKey;
        private Uniqueness uniqueness;
        private Duration uniqueTtl;
        private RetryPolicy retry;
        private Duration timeout;
        private final List<String> dependsOn = new ArrayList<>();
        private DependencyPolicy dependencyPolicy = DependencyPolicy.CANCEL;
        private final Map<String, String> callbacks = new LinkedHashMap<>();
        private Durability durability;
        private String orderingKey;

        private Builder() {}

        /**
         * Makes the enqueue wait, after storing the jobs, until replicas or the append-only file
         * confirm them (see {@link Durability}); a bulk enqueue waits once for all its jobs.
         *
         * @param durability the confirmation to wait for; {@link Durability#none()} to return at once
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * @param id 1 to 128 characters from {@code A-Z a-z 0-9 _ . : @ / + = -}; must be unique in the queue
         * @return this builder
         */
        public Builder jobId(String id) {
            Objects.requireNonNull(id, "jobId");
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException(
                        "job id must be 1-128 characters of A-Z a-z 0-9 _ . : @ / + = -, got: '" + id + "'");
            }
            this.jobId = id;
            return this;
        }

        /** @param description at most 1,000 characters @return this builder */
        public Builder description(String description) {
            this.description = Checks.description(description);
            return this;
        }

        /**
         * @param key non-empty
         * @param value not null
         * @return this builder
         */
        public Builder meta(String key, String value) {
            Checks.meta(key, value);
            meta.put(key, value);
            return this;
        }

        /** @param ttl at least one second @return this builder */
        public Builder resultTtl(Duration ttl) {
            this.resultTtl = JrqOptions.Builder.positiveSeconds(ttl, "resultTtl");
            return this;
        }

        /** @param atFront true to run the job before those already waiting @return this builder */
        public Builder atFront(boolean atFront) {
            this.atFront = atFront;
            return this;
        }

        /**
         * @param when when the job is due, measured on the Redis clock; a time in the past means now
         * @return this builder
         */
        public Builder at(Instant when) {
            this.at = Objects.requireNonNull(when, "at");
            return this;
        }

        /** @param delay how long after enqueue the job is due, zero or more @return this builder */
        public Builder delay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, got: " + delay);
            }
            this.delay = delay;
            return this;
        }

        /**
         * @param key identifies duplicates within the queue (1-200 characters)
         * @param scope how long the key is held
         * @return this builder
         */
        public Builder unique(String key, Uniqueness scope) {
            this.uniqueKey = checkUniqueKey(key);
            this.uniqueness = Objects.requireNonNull(scope, "scope");
            this.uniqueTtl = null;
            return this;
        }

        /**
         * @param key identifies duplicates within the queue (1-200 characters)
         * @param ttl how long the key is held from enqueue, whatever happens to the job; at least 1 ms
         * @return this builder
         */
        public Builder uniqueFor(String key, Duration ttl) {
            this.uniqueKey = checkUniqueKey(key);
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.toMillis() < 1) {
                throw new IllegalArgumentException("unique ttl must be at least 1 ms, got: " + ttl);
            }
            this.uniqueTtl = ttl;
            this.uniqueness = null;
            return this;
        }

        /**
         * Keeps jobs with the same key in order on a partitioned queue ({@link Admin#partitions(String,
         * int)}): they all go to the partition the key hashes to, where they run in the order they were
         * enqueued (as on a queue of one partition, one worker slot at a time runs them in that order;
         * several may overlap). Without it a job goes to the partition of its unique key or its id. On a
         * queue of one partition it changes nothing. Not stored with the job.
         *
         * @param key 1-200 characters
         * @return this builder
         */
        public Builder orderingKey(String key) {
            Objects.requireNonNull(key, "ordering key");
            if (key.isEmpty() || key.length() > 200) {
                throw new IllegalArgumentException("ordering key must be 1-200 characters, got " + key.length());
            }
            this.orderingKey = key;
            return this;
        }

        private static String checkUniqueKey(String key) {
            Objects.requireNonNull(key, "unique key");
            if (key.isEmpty() || key.length() > 200) {
                throw new IllegalArgumentException("unique key must be 1-200 characters, got " + key.length());
            }
            return key;
        }

        /** @param policy how failed attempts are retried @return this builder */
        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "retry");
            return this;
        }

        /** @param timeout how long each attempt may run, at least 1 ms @return this builder */
        public Builder timeout(Duration timeout) {
            this.timeout = Checks.timeout(timeout);
            return this;
        }

        /**
         * The job stays DEFERRED until all these jobs have FINISHED; they may be in any queue.
         *
         * @param jobs the jobs to wait for
         * @return this builder
         */
        public Builder dependsOn(Job<?>... jobs) {
            for (Job<?> j : jobs) {
                Objects.requireNonNull(j, "dependency");
                dependsOn.add(new io.jrq.internal.codec.JobRef(j.queue(), j.id()).toString());
            }
            return this;
        }

        /**
         * @param queue the dependency's queue
         * @param id its id
         * @return this builder
         */
        public Builder dependsOn(String queue, String id) {
            JobNames.checkQueueName(queue);
            Objects.requireNonNull(id, "id");
            dependsOn.add(new io.jrq.internal.codec.JobRef(queue, id).toString());
            return this;
        }

        /** @param policy what happens when a dependency does not finish (default CANCEL) @return this builder */
        public Builder onDependencyFailure(DependencyPolicy policy) {
            this.dependencyPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param callback a public static method taking a {@link JobOutcome}, run by the worker when the
         *     job finishes; its class must be in a package the worker allows
         * @return this builder
         */
        public Builder onSuccess(Fn.V1<JobOutcome> callback) {
            return callback("success", callback);
        }

        /** @param callback run by the worker when the job fails for good (not between retries) @return this builder */
        public Builder onFailure(Fn.V1<JobOutcome> callback) {
            return callback("failure", callback);
        }

        /** @param callback run by the worker when the job is stopped while running @return this builder */
        public Builder onStop(Fn.V1<JobOutcome> callback) {
            return callback("stopped", callback);
        }

        private Builder callback(String event, Fn.V1<JobOutcome> callback) {
            Objects.requireNonNull(callback, "callback");
            callbacks.put(
                    event,
                    io.jrq.internal.codec.MethodRefs.resolve(callback, null).fn());
            return this;
        }

        /** @return the options */
        public EnqueueOptions build() {
            return new EnqueueOptions(this);
        }
    }
}
