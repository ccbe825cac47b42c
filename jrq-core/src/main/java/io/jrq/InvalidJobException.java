package io.jrq;

/**
 * A job was refused at enqueue time and nothing was stored: a lambda that captures state, an
 * argument that cannot round-trip through JSON, a payload over the size limit, a malformed handler
 * name. The message says why and what to do instead.
 */
public class InvalidJobException extends JrqException {
    private static final long serialVersionUID = 1L;

    /** @param message why the job was refused and what to do instead */
    public InvalidJobException(String message) {
        super(message);
    }

    /**
     * @param message why the job was refused and what to do instead
     * @param cause the underlying failure (for example Jackson's)
     */
    public InvalidJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
