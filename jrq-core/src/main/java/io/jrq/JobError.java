package io.jrq;

/**
 * What a worker recorded about a failed job.
 *
 * @param type the exception's class name (for example {@code java.lang.IllegalStateException})
 * @param message the exception's message, possibly empty
 * @param stackTrace the stack trace as text, possibly truncated, possibly empty
 */
public record JobError(String type, String message, String stackTrace) {
    /** Normalises nulls to empty strings so callers never need null checks. */
    public JobError {
        type = type == null ? "" : type;
        message = message == null ? "" : message;
        stackTrace = stackTrace == null ? "" : stackTrace;
    }
}
