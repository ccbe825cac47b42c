package io.jrq.internal.worker;

import io.jrq.Handler;
import io.jrq.InstanceResolver;
import io.jrq.internal.codec.RetrySpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A worker's settings, validated by {@code Worker.Builder}.
 *
 * @param name registered name, unique among live workers
 * @param queues queue names in priority order
 * @param weights null for strict priority, else one weight per queue: each round tries the queues in
 *     a random order where a queue comes first with probability proportional to its weight
 * @param concurrency jobs run at once
 * @param virtualThreads run jobs on virtual threads (Java 21+)
 * @param allowedPackages packages whose methods may run
 * @param handlers registered handlers
 * @param handlerRetry retry policies registered with handlers
 * @param defaultRetry retry policy of jobs that name none
 * @param defaultTimeoutMs timeout of jobs that name none, or -1
 * @param resolver provides instances for instance methods
 * @param lease how long a lease lasts without renewal
 * @param heartbeat how often leases and the registry entry are renewed
 * @param reapInterval how often this worker looks for expired leases
 * @param maxRecoveries how often a job may lose its worker before it fails
 * @param shutdownGrace how long close waits for running jobs
 * @param handleSignals close gracefully on SIGTERM (JVM shutdown)
 * @param burst stop once the queues are empty
 * @param allowEviction start even on a Redis with an allkeys-* maxmemory-policy
 * @param quickRecovery give back the jobs of workers whose connections are gone within about a second
 * @param classLoader loads allowed job classes
 * @param served what the worker serves: {@code queues} with their partitions, which may grow while
 *     it runs (one per configuration; {@code ServedQueues.order()} is the order of a round)
 */
public record WorkerConfig(
        String name,
        List<String> queues,
        int[] weights,
        int concurrency,
        boolean virtualThreads,
        List<String> allowedPackages,
        Map<String, Handler> handlers,
        Map<String, RetrySpec> handlerRetry,
        RetrySpec defaultRetry,
        long defaultTimeoutMs,
        InstanceResolver resolver,
        Duration lease,
        Duration heartbeat,
        Duration reapInterval,
        int maxRecoveries,
        Duration shutdownGrace,
        boolean handleSignals,
        boolean burst,
        boolean allowEviction,
        boolean quickRecovery,
        ClassLoader classLoader,
        ServedQueues served) {

    /** @return an invoker for this configuration */
    public Invoker invoker(boolean allowAll) {
        return new Invoker(allowedPackages, allowAll, handlers, handlerRetry, defaultRetry, resolver, classLoader);
    }
}
