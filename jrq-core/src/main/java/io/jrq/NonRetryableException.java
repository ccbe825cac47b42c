package io.jrq;

/**
 * Thrown by a job to fail at once, whatever its retry policy: the error is permanent (bad input, a
 * missing record), so another attempt cannot help. Subclass it for your own permanent errors.
 */
public class NonRetryableException extends JrqException {
    private static final long serialVersionUID = 1L;

    /** @param message why the job cannot succeed */
    public NonRetryableException(String message) {
        super(message);
    }

    /**
     * @param message why the job cannot succeed
     * @param cause the underlying failure
     */
    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
