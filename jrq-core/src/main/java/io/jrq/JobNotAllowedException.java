package io.jrq;

/**
 * Recorded as the error of a job whose function the worker was not allowed to run: a method outside
 * the worker's allowed packages or an unregistered handler name. The named class is never loaded.
 */
public class JobNotAllowedException extends JrqException {
    private static final long serialVersionUID = 1L;

    /** @param message names the function and what the worker allows */
    public JobNotAllowedException(String message) {
        super(message);
    }
}
