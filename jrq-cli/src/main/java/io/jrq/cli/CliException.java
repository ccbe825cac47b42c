package io.jrq.cli;

/** A failure a command reports as one line on stderr, with the exit code to end with. */
public class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    /**
     * @param exitCode one of {@link ExitCodes}
     * @param message the line to print, without a "jrq:" prefix
     */
    public CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    /**
     * @param exitCode one of {@link ExitCodes}
     * @param message the line to print, without a "jrq:" prefix
     * @param cause the underlying failure, printed with --verbose
     */
    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** @return the exit code to end the process with */
    public int exitCode() {
        return exitCode;
    }
}
