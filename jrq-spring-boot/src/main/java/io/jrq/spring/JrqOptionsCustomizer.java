package io.jrq.spring;

import io.jrq.JrqOptions;

/**
 * Adjusts the {@link JrqOptions} built from the properties before the client connects, for what no
 * property covers (a durability default, a clock). Declare one or more as beans; they run in
 * {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface JrqOptionsCustomizer {
    /** @param builder holds the options from the properties */
    void customize(JrqOptions.Builder builder);
}
