package io.jrq;

/**
 * Recorded as the error of a job whose stored payload cannot be run: not valid JSON, a wrong shape,
 * or arguments that do not fit the target method's parameter types.
 */
public class InvalidPayloadException extends JrqException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the payload */
    public InvalidPayloadException(String message) {
        super(message);
    }
}
