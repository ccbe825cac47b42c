package io.jrq;

/** Redis could not be reached or did not answer in time. The message names the server. */
public class RedisUnavailableException extends JrqException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the server (host:port) and what happened
     * @param cause the driver's exception
     */
    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
