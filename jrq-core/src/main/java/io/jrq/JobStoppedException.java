package io.jrq;

/** Recorded as the error of a job that was stopped on request while it ran (status STOPPED). */
public class JobStoppedException extends JrqException {
    private static final long serialVersionUID = 1L;

    /** @param message names the job */
    public JobStoppedException(String message) {
        super(message);
    }
}
