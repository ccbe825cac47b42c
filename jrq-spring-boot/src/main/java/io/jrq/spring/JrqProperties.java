package io.jrq.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * jrq's settings under the prefix {@code jrq}. The Redis connection comes from Spring's own
 * {@code spring.data.redis.*} settings unless {@link #getUrl() jrq.url} is set; everything else left
 * unset keeps jrq's defaults (see {@link io.jrq.JrqOptions} and {@link io.jrq.Worker.Builder}).
 */
@ConfigurationProperties(prefix = "jrq")
public class JrqProperties {
    /**
     * Redis URL for jrq (redis://, rediss://, redis-sentinel://, redis-cluster://). When unset, the
     * connection is built from spring.data.redis.*.
     */
    private String url;

    /** First segment of every Redis key jrq writes. */
    private String keyPrefix = "jrq";

    /** How long a finished job and its result are kept. */
    private Duration resultTtl = Duration.ofSeconds(500);

    /** How long a failed job is kept. */
    private Duration failureTtl = Duration.ofDays(7);

    /** How many failed, and how many canceled or stopped, jobs a queue keeps at most. */
    private int failedJobsMax = 10_000;

    /** How many finished jobs a queue keeps at most. */
    private int finishedJobsMax = 100_000;

    /** Largest encoded job payload accepted at enqueue, in bytes. */
    private int maxPayloadBytes = 1_048_576;

    /** How long one Redis command may take before it fails. */
    private Duration commandTimeout = Duration.ofSeconds(10);

    private final Worker worker = new Worker();

    private final Health health = new Health();

    private final Metrics metrics = new Metrics();

    private final Dashboard dashboard = new Dashboard();

    /** @return the Redis URL, or null to use spring.data.redis.* */
    public String getUrl() {
        return url;
    }

    /** @param url the Redis URL */
    public void setUrl(String url) {
        this.url = url;
    }

    /** @return the key prefix */
    public String getKeyPrefix() {
        return keyPrefix;
    }

    /** @param keyPrefix the key prefix */
    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** @return the result TTL */
    public Duration getResultTtl() {
        return resultTtl;
    }

    /** @param resultTtl the result TTL */
    public void setResultTtl(Duration resultTtl) {
        this.resultTtl = resultTtl;
    }

    /** @return the failure TTL */
    public Duration getFailureTtl() {
        return failureTtl;
    }

    /** @param failureTtl the failure TTL */
    public void setFailureTtl(Duration failureTtl) {
        this.failureTtl = failureTtl;
    }

    /** @return the cap on kept failed jobs */
    public int getFailedJobsMax() {
        return failedJobsMax;
    }

    /** @param failedJobsMax the cap on kept failed jobs */
    public void setFailedJobsMax(int failedJobsMax) {
        this.failedJobsMax = failedJobsMax;
    }

    /** @return the cap on kept finished jobs */
    public int getFinishedJobsMax() {
        return finishedJobsMax;
    }

    /** @param finishedJobsMax the cap on kept finished jobs */
    public void setFinishedJobsMax(int finishedJobsMax) {
        this.finishedJobsMax = finishedJobsMax;
    }

    /** @return the payload limit in bytes */
    public int getMaxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** @param maxPayloadBytes the payload limit in bytes */
    public void setMaxPayloadBytes(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** @return the Redis command timeout */
    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    /** @param commandTimeout the Redis command timeout */
    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    /** @return the worker settings */
    public Worker getWorker() {
        return worker;
    }

    /** @return the health indicator settings */
    public Health getHealth() {
        return health;
    }

    /** @return the metrics settings */
    public Metrics getMetrics() {
        return metrics;
    }

    /** @return the dashboard settings */
    public Dashboard getDashboard() {
        return dashboard;
    }

    /** The worker this application runs, under {@code jrq.worker}. */
    public static class Worker {
        /** Whether this application runs a worker. */
        private boolean enabled;

        /** Queues to serve, highest priority first. */
        private List<String> queues = new ArrayList<>(List.of("default"));

        /** Jobs run at once. */
        private int concurrency = 10;

        /** Run jobs on virtual threads (Java 21 or later). */
        private boolean virtualThreads;

        /**
         * Packages whose classes' methods may run (with their subpackages); handlers registered with
         * {@code @JrqHandler} need none.
         */
        private List<String> allowedPackages = new ArrayList<>();

        /** Name the worker registers under; default host:pid:random. */
        private String name;

        /** How long a job stays leased without renewal. */
        private Duration lease = Duration.ofSeconds(30);

        /** How often leases are renewed; default a third of the lease. */
        private Duration heartbeat;

        /** How often expired leases of dead workers are reaped. */
        private Duration reapInterval = Duration.ofSeconds(5);

        /** How often a job may lose its worker before it fails. */
        private int maxRecoveries = 3;

        /** How long an attempt of a job that sets no timeout may run; default no limit. */
        private Duration jobTimeout;

        /**
         * How long shutdown waits for running jobs before giving them back; capped by
         * spring.lifecycle.timeout-per-shutdown-phase.
         */
        private Duration shutdownGrace = Duration.ofSeconds(30);

        /** Start on a Redis whose maxmemory-policy may evict queued jobs. */
        private boolean allowEvictingRedis;

        /** Give the jobs of a worker whose connections vanished back at once, not after their lease. */
        private boolean quickRecovery = true;

        private final Retry retry = new Retry();

        /** @return whether this application runs a worker */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether this application runs a worker */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the queues */
        public List<String> getQueues() {
            return queues;
        }

        /** @param queues the queues */
        public void setQueues(List<String> queues) {
            this.queues = queues;
        }

        /** @return the concurrency */
        public int getConcurrency() {
            return concurrency;
        }

        /** @param concurrency the concurrency */
        public void setConcurrency(int concurrency) {
            this.concurrency = concurrency;
        }

        /** @return whether jobs run on virtual threads */
        public boolean isVirtualThreads() {
            return virtualThreads;
        }

        /** @param virtualThreads whether jobs run on virtual threads */
        public void setVirtualThreads(boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
        }

        /** @return the allowed packages */
        public List<String> getAllowedPackages() {
            return allowedPackages;
        }

        /** @param allowedPackages the allowed packages */
        public void setAllowedPackages(List<String> allowedPackages) {
            this.allowedPackages = allowedPackages;
        }

        /** @return the worker name, or null for the default */
        public String getName() {
            return name;
        }

        /** @param name the worker name */
        public void setName(String name) {
            this.name = name;
        }

        /** @return the lease */
        public Duration getLease() {
            return lease;
        }

        /** @param lease the lease */
        public void setLease(Duration lease) {
            this.lease = lease;
        }

        /** @return the heartbeat interval, or null for a third of the lease */
        public Duration getHeartbeat() {
            return heartbeat;
        }

        /** @param heartbeat the heartbeat interval */
        public void setHeartbeat(Duration heartbeat) {
            this.heartbeat = heartbeat;
        }

        /** @return the reap interval */
        public Duration getReapInterval() {
            return reapInterval;
        }

        /** @param reapInterval the reap interval */
        public void setReapInterval(Duration reapInterval) {
            this.reapInterval = reapInterval;
        }

        /** @return the recoveries before a job fails */
        public int getMaxRecoveries() {
            return maxRecoveries;
        }

        /** @param maxRecoveries the recoveries before a job fails */
        public void setMaxRecoveries(int maxRecoveries) {
            this.maxRecoveries = maxRecoveries;
        }

        /** @return the default job timeout, or null for none */
        public Duration getJobTimeout() {
            return jobTimeout;
        }

        /** @param jobTimeout the default job timeout */
        public void setJobTimeout(Duration jobTimeout) {
            this.jobTimeout = jobTimeout;
        }

        /** @return the shutdown grace */
        public Duration getShutdownGrace() {
            return shutdownGrace;
        }

        /** @param shutdownGrace the shutdown grace */
        public void setShutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
        }

        /** @return whether an evicting Redis is accepted */
        public boolean isAllowEvictingRedis() {
            return allowEvictingRedis;
        }

        /** @param allowEvictingRedis whether an evicting Redis is accepted */
        public void setAllowEvictingRedis(boolean allowEvictingRedis) {
            this.allowEvictingRedis = allowEvictingRedis;
        }

        /** @return whether quick recovery is on */
        public boolean isQuickRecovery() {
            return quickRecovery;
        }

        /** @param quickRecovery whether quick recovery is on */
        public void setQuickRecovery(boolean quickRecovery) {
            this.quickRecovery = quickRecovery;
        }

        /** @return the default retry policy of jobs that bring none */
        public Retry getRetry() {
            return retry;
        }
    }

    /** The worker's default retry policy, under {@code jrq.worker.retry}. */
    public static class Retry {
        /** Total attempts of a job that brings no policy; 1 means no retry. */
        private int maxAttempts = 1;

        /** How the wait between attempts grows. */
        private Backoff backoff = Backoff.EXPONENTIAL;

        /** The wait before the first retry (every retry with fixed backoff). */
        private Duration delay = Duration.ofSeconds(1);

        /** The longest wait with exponential backoff. */
        private Duration maxDelay = Duration.ofMinutes(1);

        /** Random share (0 to 1) taken off each exponential wait, to spread retries out. */
        private double jitter = 0.2;

        /** @return the total attempts */
        public int getMaxAttempts() {
            return maxAttempts;
        }

        /** @param maxAttempts the total attempts */
        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        /** @return the backoff */
        public Backoff getBackoff() {
            return backoff;
        }

        /** @param backoff the backoff */
        public void setBackoff(Backoff backoff) {
            this.backoff = backoff;
        }

        /** @return the first wait */
        public Duration getDelay() {
            return delay;
        }

        /** @param delay the first wait */
        public void setDelay(Duration delay) {
            this.delay = delay;
        }

        /** @return the longest wait */
        public Duration getMaxDelay() {
            return maxDelay;
        }

        /** @param maxDelay the longest wait */
        public void setMaxDelay(Duration maxDelay) {
            this.maxDelay = maxDelay;
        }

        /** @return the jitter */
        public double getJitter() {
            return jitter;
        }

        /** @param jitter the jitter */
        public void setJitter(double jitter) {
            this.jitter = jitter;
        }
    }

    /** How the wait between attempts grows. */
    public enum Backoff {
        /** The same wait before each retry. */
        FIXED,
        /** Waits doubling from the delay up to the max delay, with jitter. */
        EXPONENTIAL
    }

    /** The {@code jrq} health indicator, under {@code jrq.health}. */
    public static class Health {
        /** A queue whose next job has waited longer than this makes the health OUT_OF_SERVICE. */
        private Duration maxQueueLatency = Duration.ofMinutes(5);

        /** Queues whose latency is checked; empty for every queue jrq knows (paused ones excepted). */
        private List<String> queues = new ArrayList<>();

        /** @return the latency threshold */
        public Duration getMaxQueueLatency() {
            return maxQueueLatency;
        }

        /** @param maxQueueLatency the latency threshold */
        public void setMaxQueueLatency(Duration maxQueueLatency) {
            this.maxQueueLatency = maxQueueLatency;
        }

        /** @return the checked queues */
        public List<String> getQueues() {
            return queues;
        }

        /** @param queues the checked queues */
        public void setQueues(List<String> queues) {
            this.queues = queues;
        }
    }

    /** Micrometer meters, under {@code jrq.metrics}. */
    public static class Metrics {
        /** Whether jrq's meters are bound to the application's MeterRegistry. */
        private boolean enabled = true;

        /** Time between two reads of the queue gauges from Redis. */
        private Duration interval = Duration.ofSeconds(10);

        /** Whether the queue-wide gauges are read at all (a producer may want only its own counters). */
        private boolean queueGauges = true;

        /** Publish percentile histograms of the job timers. */
        private boolean histograms;

        /** @return whether meters are bound */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether meters are bound */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the gauge interval */
        public Duration getInterval() {
            return interval;
        }

        /** @param interval the gauge interval */
        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        /** @return whether queue gauges are read */
        public boolean isQueueGauges() {
            return queueGauges;
        }

        /** @param queueGauges whether queue gauges are read */
        public void setQueueGauges(boolean queueGauges) {
            this.queueGauges = queueGauges;
        }

        /** @return whether histograms are published */
        public boolean isHistograms() {
            return histograms;
        }

        /** @param histograms whether histograms are published */
        public void setHistograms(boolean histograms) {
            this.histograms = histograms;
        }
    }

    /** The web dashboard mounted in the application, under {@code jrq.dashboard}. */
    public static class Dashboard {
        /** Whether the dashboard is mounted (needs jrq-dashboard and a servlet web application). */
        private boolean enabled;

        /** Path the dashboard is served under. */
        private String path = "/jrq";

        /** Allow no action: buttons hidden, every POST refused. */
        private boolean readOnly;

        /** Mark the dashboard's cookies Secure when a TLS-terminating proxy sets X-Forwarded-Proto. */
        private boolean behindTlsProxy;

        /** @return whether the dashboard is mounted */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether the dashboard is mounted */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the path */
        public String getPath() {
            return path;
        }

        /** @param path the path */
        public void setPath(String path) {
            this.path = path;
        }

        /** @return whether read-only */
        public boolean isReadOnly() {
            return readOnly;
        }

        /** @param readOnly whether read-only */
        public void setReadOnly(boolean readOnly) {
            this.readOnly = readOnly;
        }

        /** @return whether behind a TLS proxy */
        public boolean isBehindTlsProxy() {
            return behindTlsProxy;
        }

        /** @param behindTlsProxy whether behind a TLS proxy */
        public void setBehindTlsProxy(boolean behindTlsProxy) {
            this.behindTlsProxy = behindTlsProxy;
        }
    }
}
