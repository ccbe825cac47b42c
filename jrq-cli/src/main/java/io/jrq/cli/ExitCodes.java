package io.jrq.cli;

import io.jrq.JobFailedException;
import io.jrq.RedisUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.ParameterException;

/** The exit codes of every jrq command, and which failure maps to which. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A job failed or was not found, or anything else went wrong. */
    public static final int FAILED = 1;
    /** Unknown command or option, or an invalid option value. */
    public static final int USAGE = 2;
    /** Redis cannot be reached. */
    public static final int REDIS_UNAVAILABLE = 3;

    private ExitCodes() {
    }

    /**
     * @param failure what a command threw
     * @return the exit code for it
     */
    public static int of(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof CliException ce) {
            return ce.exitCode();
        }
        if (e instanceof ParameterException) {
            return USAGE;
        }
        if (e instanceof RedisUnavailableException) {
            return REDIS_UNAVAILABLE;
        }
        if (e instanceof JobFailedException) {
            return FAILED;
        }
        return FAILED;
    }

    /**
     * @param failure a failure, possibly wrapped by a future
     * @return the failure itself, without {@link CompletionException} / {@link ExecutionException} wrappers
     */
    static Throwable unwrap(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
