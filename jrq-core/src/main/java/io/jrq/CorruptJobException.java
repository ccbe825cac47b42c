package io.jrq;

/**
 * A record jrq reads from Redis cannot be understood: a job key that is not a hash, a job without a
 * payload or with an unknown status, a counter that is not a number, a payload that is not a jrq
 * envelope. A worker moves such a job aside (it ends FAILED in the failed registry with this type
 * and the reason as its error, and is never retried); a client reading it gets this exception with
 * the key and the reason instead of a {@code NullPointerException}.
 */
public class CorruptJobException extends InvalidPayloadException {
    private static final long serialVersionUID = 1L;

    /** @param message the key and what is wrong with it */
    public CorruptJobException(String message) {
        super(message);
    }
}
