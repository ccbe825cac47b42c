package io.jrq;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the option builders, so every builder words the same rule the same way. */
final class Checks {
    private Checks() {}

    /** @return the description, if at most 1,000 characters */
    static String description(String description) {
        Objects.requireNonNull(description, "description");
        if (description.length() > 1000) {
            throw new IllegalArgumentException(
                    "description must be at most 1000 characters, got " + description.length());
        }
        return description;
    }

    /** Checks a metadata entry: non-empty key, non-null value. */
    static void meta(String key, String value) {
        Objects.requireNonNull(key, "meta key");
        Objects.requireNonNull(value, "meta value for key '" + key + "'");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("meta key must not be empty");
        }
    }

    /** @return the timeout, if at least 1 ms */
    static Duration timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeout must be at least 1 ms, got: " + timeout);
        }
        return timeout;
    }
}
