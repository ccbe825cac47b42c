package io.jrq;

/**
 * Recorded as the error of an attempt that ran longer than its timeout. The worker interrupted the
 * job's thread and recorded this outcome at once; see the README for what a timeout can stop.
 */
public class JobTimeoutException extends JrqException {
    private static final long serialVersionUID = 1L;

    /** @param message names the job and the timeout */
    public JobTimeoutException(String message) {
        super(message);
    }
}
