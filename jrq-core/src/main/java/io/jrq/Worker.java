package io.jrq;

import io.jrq.internal.client.Backend;
import io.jrq.internal.codec.RetrySpec;
import io.jrq.internal.worker.ServedQueues;
import io.jrq.internal.worker.WorkerConfig;
import io.jrq.internal.worker.WorkerHandle;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A running worker: it leases jobs from its queues (strict priority order), runs them on its own
 * threads, renews its leases, returns jobs of dead workers to their queues, and records each
 * outcome. Create one with {@code jrq.worker("default").allowPackages("com.example.jobs").start()}.
 *
 * <p>{@link #close()} shuts down gracefully: it stops fetching, lets running jobs finish within the
 * grace period, then gives the rest back to their queues. With signal handling on (the default),
 * SIGTERM does the same. Thread-safe.
 */
public final class Worker implements AutoCloseable {
    private final WorkerHandle handle;
    private final WorkerConfig config;

    private Worker(WorkerHandle handle, WorkerConfig config) {
        this.handle = handle;
        this.config = config;
    }

    /** @return the name this worker registered under */
    public String name() {
        return handle.name();
    }

    /** @return the queues it serves, highest priority first */
    public List<String> queues() {
        return config.queues();
    }

    /** @return true until {@link #close()} (or burst mode's end) completes */
    public boolean isRunning() {
        return handle.isRunning();
    }

    /** @return the number of jobs running right now */
    public int runningJobs() {
        return handle.runningCount();
    }

    /** Graceful shutdown; see the class description. Idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    /**
     * Configures a worker. Defaults: concurrency 10, platform threads, no allowed packages and no
     * handlers (so nothing may run until you allow it), lease 30 s renewed every 10 s, reaping every
     * 5 s, 3 recoveries, 30 s shutdown grace, SIGTERM handled, quick recovery on.
     */
    public static final class Builder {
        private static final Pattern PACKAGE =
                Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

        private final Backend backend;
        private final List<String> queues;
        private String name;
        private int[] weights;
        private int concurrency = 10;
        private boolean virtualThreads;
        private final List<String> allowedPackages = new ArrayList<>();
        private final Map<String, Handler> handlers = new LinkedHashMap<>();
        private final Map<String, RetrySpec> handlerRetry = new LinkedHashMap<>();
        private RetryPolicy retry = RetryPolicy.none();
        private Duration jobTimeout;
        private InstanceResolver resolver = InstanceResolver.constructors();
        private Duration lease = Duration.ofSeconds(30);
        private Duration heartbeat;
        private Duration reapInterval = Duration.ofSeconds(5);
        private int maxRecoveries = 3;
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private boolean handleSignals = true;
        private boolean burst;
        private boolean allowEviction;
        private boolean quickRecovery = true;
        private ClassLoader classLoader = Thread.currentThread().getContextClassLoader();

        Builder(Backend backend, List<String> queues) {
            this.backend = backend;
            if (queues.isEmpty()) {
                throw new IllegalArgumentException("a worker needs at least one queue");
            }
            queues.forEach(JobNames::checkQueueName);
            if (queues.stream().distinct().count() != queues.size()) {
                throw new IllegalArgumentException("queues listed twice: " + queues);
            }
            this.queues = List.copyOf(queues);
        }

        /** @param name unique among live workers; default {@code host:pid:random} @return this builder */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!name.matches("[A-Za-z0-9_.:@-]{1,200}")) {
                throw new IllegalArgumentException(
                        "worker name must be 1-200 characters of A-Z a-z 0-9 _ . : @ -, got: '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Serves the queues by weight instead of strict priority (Sidekiq's weighted queues): each
         * fetch tries them in a random order in which a queue comes first with probability
         * proportional to its weight, so no queue starves.
         *
         * @param weights one positive weight per queue, in the order the queues were given
         * @return this builder
         */
        public Builder weights(int... weights) {
            if (weights.length != queues.size()) {
                throw new IllegalArgumentException("need one weight per queue " + queues + ", got " + weights.length);
            }
            for (int w : weights) {
                if (w < 1 || w > 1000) {
                    throw new IllegalArgumentException("weights must be between 1 and 1000, got: " + w);
                }
            }
            this.weights = weights.clone();
            return this;
        }

        /** @param n jobs run at once, 1 to 10,000 @return this builder */
        public Builder concurrency(int n) {
            if (n < 1 || n > 10_000) {
                throw new IllegalArgumentException("concurrency must be between 1 and 10000, got: " + n);
            }
            this.concurrency = n;
            return this;
        }

        /**
         * @param on run jobs on virtual threads (one per runner, see docs/internals.md) instead of a pool of platform threads; needs Java 21 or later
         * @return this builder
         * @throws IllegalArgumentException on Java 17-20
         */
        public Builder virtualThreads(boolean on) {
            if (on && Runtime.version().feature() < 21) {
                throw new IllegalArgumentException("virtual threads need Java 21 or later; this is Java "
                        + Runtime.version().feature());
            }
            this.virtualThreads = on;
            return this;
        }

        /**
         * @param packages packages whose classes' methods may run, with their subpackages
         *     (e.g. {@code com.example.jobs})
         * @return this builder
         */
        public Builder allowPackages(String... packages) {
            for (String p : packages) {
                if (p == null || !PACKAGE.matcher(p).matches()) {
                    throw new IllegalArgumentException("not a package name: '" + p + "'");
                }
                allowedPackages.add(p);
            }
            return this;
        }

        /**
         * @param name the handler's name as producers write it in {@code fn}; must not contain {@code ::}
         * @param handler the code to run
         * @return this builder
         */
        public Builder handler(String name, Handler handler) {
            Objects.requireNonNull(handler, "handler");
            if (!JobNames.isHandlerName(name)) {
                throw new IllegalArgumentException(
                        "handler name must be " + JobNames.HANDLER_RULE + " without '::', got: '" + name + "'");
            }
            if (handlers.putIfAbsent(name, handler) != null) {
                throw new IllegalArgumentException("a handler named '" + name + "' is already registered");
            }
            return this;
        }

        /**
         * Registers a handler with its own default retry policy (a job's own policy still wins).
         *
         * @param name the handler's name
         * @param handler the code to run
         * @param retry how its failed attempts are retried
         * @return this builder
         */
        public Builder handler(String name, Handler handler, RetryPolicy retry) {
            handler(name, handler);
            handlerRetry.put(name, Objects.requireNonNull(retry, "retry").spec());
            return this;
        }

        /** @param policy retry policy of jobs that bring none (default: {@link RetryPolicy#none()}) @return this builder */
        public Builder retry(RetryPolicy policy) {
            this.retry = Objects.requireNonNull(policy, "retry");
            return this;
        }

        /**
         * @param timeout how long an attempt of a job that sets no timeout may run (default: no limit);
         *     at least 1 ms
         * @return this builder
         */
        public Builder jobTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "jobTimeout");
            if (timeout.toMillis() < 1) {
                throw new IllegalArgumentException("jobTimeout must be at least 1 ms, got: " + timeout);
            }
            this.jobTimeout = timeout;
            return this;
        }

        /** @param resolver provides instances for instance-method jobs @return this builder */
        public Builder instanceResolver(InstanceResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "instanceResolver");
            return this;
        }

        /**
         * @param lease how long a job stays leased without renewal, at least 1 s; a dead worker's jobs
         *     return to the queue this long after its last renewal (plus up to one reap interval)
         * @return this builder
         */
        public Builder leaseDuration(Duration lease) {
            Objects.requireNonNull(lease, "leaseDuration");
            if (lease.toMillis() < 1000) {
                throw new IllegalArgumentException("leaseDuration must be at least 1 second, got: " + lease);
            }
            this.lease = lease;
            return this;
        }

        /** @param interval how often leases are renewed, less than the lease; default lease/3 @return this builder */
        public Builder heartbeatInterval(Duration interval) {
            Objects.requireNonNull(interval, "heartbeatInterval");
            if (interval.toMillis() < 50) {
                throw new IllegalArgumentException("heartbeatInterval must be at least 50 ms, got: " + interval);
            }
            this.heartbeat = interval;
            return this;
        }

        /** @param interval how often this worker reaps expired leases, at least 50 ms @return this builder */
        public Builder reapInterval(Duration interval) {
            Objects.requireNonNull(interval, "reapInterval");
            if (interval.toMillis() < 50) {
                throw new IllegalArgumentException("reapInterval must be at least 50 ms, got: " + interval);
            }
            this.reapInterval = interval;
            return this;
        }

        /** @param n how often a job may lose its worker before it fails, 0 to 1000 @return this builder */
        public Builder maxRecoveries(int n) {
            if (n < 0 || n > 1000) {
                throw new IllegalArgumentException("maxRecoveries must be between 0 and 1000, got: " + n);
            }
            this.maxRecoveries = n;
            return this;
        }

        /** @param grace how long shutdown waits for running jobs, zero or more @return this builder */
        public Builder shutdownGrace(Duration grace) {
            Objects.requireNonNull(grace, "shutdownGrace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must not be negative, got: " + grace);
            }
            this.shutdownGrace = grace;
            return this;
        }

        /** @param on shut down gracefully when the JVM receives SIGTERM (default true) @return this builder */
        public Builder handleSignals(boolean on) {
            this.handleSignals = on;
            return this;
        }

        /**
         * A worker refuses to start on a Redis whose {@code maxmemory-policy} is {@code allkeys-*}: such a
         * server may delete queued jobs when memory runs out. This accepts that risk.
         *
         * @param on start anyway (a warning is logged)
         * @return this builder
         */
        public Builder allowEvictingRedis(boolean on) {
            this.allowEviction = on;
            return this;
        }

        /**
         * Quick recovery (on by default): this worker watches the other workers' connections and,
         * when every connection of one is gone for a second (its process died: the kernel closed
         * them), gives that worker's jobs back at once instead of after their lease. A worker that
         * was only cut off keeps being fenced by its lease tokens. It needs a standalone or
         * Sentinel Redis; on a Redis Cluster, and when off, jobs of dead workers come back when
         * their lease expires.
         *
         * @param on watch other workers (default true)
         * @return this builder
         */
        public Builder quickRecovery(boolean on) {
            this.quickRecovery = on;
            return this;
        }

        /** @param on stop by itself once its queues are empty and its jobs done @return this builder */
        public Builder burst(boolean on) {
            this.burst = on;
            return this;
        }

        /** @param loader loads the allowed job classes; default the thread's context loader @return this builder */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = Objects.requireNonNull(loader, "classLoader");
            return this;
        }

        /**
         * @return the started worker
         * @throws IllegalArgumentException when the heartbeat is not shorter than the lease
         */
        public Worker start() {
            Duration hb = heartbeat != null ? heartbeat : lease.dividedBy(3);
            if (hb.compareTo(lease) >= 0) {
                throw new IllegalArgumentException(
                        "heartbeatInterval (" + hb + ") must be shorter than leaseDuration (" + lease + ")");
            }
            String workerName = name != null ? name : defaultName();
            WorkerConfig config = new WorkerConfig(
                    workerName,
                    queues,
                    weights,
                    concurrency,
                    virtualThreads,
                    allowedPackages,
                    handlers,
                    handlerRetry,
                    retry.spec(),
                    jobTimeout == null ? -1 : jobTimeout.toMillis(),
                    resolver,
                    lease,
                    hb,
                    reapInterval,
                    maxRecoveries,
                    shutdownGrace,
                    handleSignals,
                    burst,
                    allowEviction,
                    quickRecovery,
                    classLoader,
                    new ServedQueues(queues, weights, workerName));
            return new Worker(backend.startWorker(config), config);
        }

        private static String defaultName() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "localhost";
            }
            host = host.replaceAll("[^A-Za-z0-9_.-]", "-");
            long pid = ManagementFactory.getRuntimeMXBean().getPid();
            return host + ":" + pid + ":" + UUID.randomUUID().toString().substring(0, 8);
        }
    }
}
