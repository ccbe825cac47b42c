package io.jrq;

/**
 * How far a running job says it is, set with {@link JobContext#progress(int, String)}.
 *
 * @param percent 0 to 100
 * @param message free text, possibly empty
 */
public record Progress(int percent, String message) {
    /** Checks the range and normalises a null message. */
    public Progress {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be between 0 and 100, got: " + percent);
        }
        message = message == null ? "" : message;
    }
}
