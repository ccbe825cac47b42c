package io.jrq.internal.redis;

import io.jrq.JobExistsException;
import java.util.function.Function;

/**
 * The error codes jrq's Lua scripts return with {@code redis.error_reply("CODE detail")}, and the
 * typed exception each becomes. A script error without a known code stays a generic error.
 */
@SuppressWarnings("ImmutableEnumChecker") // the factories are constructor references, which hold no state
public enum ScriptError {
    /** enqueue.lua: a job with the given id already exists. */
    JRQ_JOB_EXISTS(JobExistsException::new);

    private final Function<String, RuntimeException> factory;

    ScriptError(Function<String, RuntimeException> factory) {
        this.factory = factory;
    }

    /**
     * @param message the error text Redis returned
     * @return the mapped exception, or null when the text carries no jrq code
     */
    public static RuntimeException map(String message) {
        if (message == null) {
            return null;
        }
        for (ScriptError code : values()) {
            int at = message.indexOf(code.name());
            if (at >= 0) {
                String detail = message.substring(at + code.name().length()).trim();
                return code.factory.apply(detail);
            }
        }
        return null;
    }
}
