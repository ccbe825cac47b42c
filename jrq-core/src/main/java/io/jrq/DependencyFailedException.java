package io.jrq;

/** Recorded as the error of a job canceled because a job it depends on did not finish. */
public class DependencyFailedException extends JrqException {
    private static final long serialVersionUID = 1L;

    /** @param message names the dependency and how it ended */
    public DependencyFailedException(String message) {
        super(message);
    }
}
