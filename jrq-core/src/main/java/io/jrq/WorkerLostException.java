package io.jrq;

/**
 * Recorded (by type name, from the reaper's script) as the error of a job that lost its worker more
 * often than the worker's {@code maxRecoveries} allows: it kept killing or stalling the workers that
 * ran it, so it is failed instead of returned to the queue again.
 */
public class WorkerLostException extends JrqException {
    private static final long serialVersionUID = 1L;

    /** @param message how often the job lost its worker */
    public WorkerLostException(String message) {
        super(message);
    }
}
