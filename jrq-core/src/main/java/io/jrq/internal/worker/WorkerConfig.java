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
        ClassLoader classLoader) {

    /** @return the queues in the order to try them this round */
    public List<String> queueOrder() {
        if (weights == null) {
            return queues;
        }
        List<String> left = new java.util.ArrayList<>(queues);
        List<Integer> w = new java.util.ArrayList<>();
        for (int x : weights) {
            w.add(x);
        }
        List<String> order = new java.util.ArrayList<>(queues.size());
        java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
        while (!left.isEmpty()) {
            int total = w.stream().mapToInt(Integer::intValue).sum();
            int pick = rnd.nextInt(total);
            int i = 0;
            while (pick >= w.get(i)) {
                pick -= w.get(i++);
            }
            order.add(left.remove(i));
            w.remove(i);
        }
        return order;
    }

    /** @return an invoker for this configuration */
    public Invoker invoker(boolean allowAll) {
        return new Invoker(allowedPackages, allowAll, handlers, handlerRetry, defaultRetry, resolver, classLoader);
    }
}
