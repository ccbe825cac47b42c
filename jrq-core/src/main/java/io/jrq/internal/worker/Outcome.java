package io.jrq.internal.worker;

/**
 * How one run of a job ended.
 *
 * @param finished true when the job returned normally
 * @param data the result as JSON when finished, else the error as JSON ({@code type}, {@code message}, {@code stackTrace})
 */
public record Outcome(boolean finished, String data) {
}
