package io.jrq;

/**
 * Recorded as the error of a job whose code called {@link System#exit} (or {@link Runtime#exit}):
 * the worker's JVM was ending because of the job itself, so the job is failed at once and never
 * retried. Given back instead, it would end every worker that picks it up, for ever.
 */
public class JvmExitException extends JrqException {
    private static final long serialVersionUID = 1L;

    /** @param message which job ended the JVM, and how */
    public JvmExitException(String message) {
        super(message);
    }
}
