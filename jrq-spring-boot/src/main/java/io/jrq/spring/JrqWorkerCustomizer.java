package io.jrq.spring;

import io.jrq.Worker;

/**
 * Adjusts the worker built from {@code jrq.worker.*} before it starts, for what no property covers
 * (queue weights, handlers with their own retry policy, burst mode). Declare one or more as beans;
 * they run in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface JrqWorkerCustomizer {
    /** @param builder holds the settings from the properties and the {@link JrqHandler} methods */
    void customize(Worker.Builder builder);
}
