package io.jrq;

/**
 * Root of every exception jrq throws. Unchecked: callers catch the specific subclasses they can
 * handle. Exceptions of the Redis driver never escape jrq unwrapped; they arrive as the cause of a
 * {@link RedisUnavailableException}.
 */
public class JrqException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, in words an operator can act on */
    public JrqException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public JrqException(String message, Throwable cause) {
        super(message, cause);
    }
}
