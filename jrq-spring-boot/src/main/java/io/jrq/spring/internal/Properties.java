package io.jrq.spring.internal;

/** Turns a value jrq refuses into a startup failure that names the property it came from. */
final class Properties {
    private Properties() {}

    /**
     * @param property the property's name, e.g. {@code jrq.key-prefix}
     * @param value its value, shown in the message (never pass a secret)
     * @param setter hands the value to jrq, which checks it
     * @throws IllegalStateException naming the property, the value and jrq's reason
     */
    static void set(String property, Object value, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("invalid value for " + property + " (" + value + "): " + e.getMessage(), e);
        }
    }
}
