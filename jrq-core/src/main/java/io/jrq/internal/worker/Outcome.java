package io.jrq.internal.worker;

/**
 * How one attempt of a job ended, as recorded by {@code fetch.lua}.
 *
 * @param kind FINISHED, FAILED, RETRY (failed with attempts left) or STOPPED
 * @param data the result as JSON when FINISHED, else the error as JSON ({@code type}, {@code message}, {@code stackTrace})
 * @param delayMs for RETRY, how long to wait before the next attempt
 */
public record Outcome(Kind kind, String data, long delayMs) {
    /** The outcomes {@code fetch.lua} knows. */
    public enum Kind {
        FINISHED,
        FAILED,
        RETRY,
        STOPPED
    }

    /** @return true when the job returned normally */
    public boolean finished() {
        return kind == Kind.FINISHED;
    }
}
