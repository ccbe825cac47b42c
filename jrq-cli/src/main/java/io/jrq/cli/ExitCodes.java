package io.jrq.cli;

import io.jrq.EnqueueUnknownException;
import io.jrq.JobFailedException;
import io.jrq.RedisFullException;
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
    /** Redis cannot be reached (an enqueue that fails so stored nothing: it was not sent). */
    public static final int REDIS_UNAVAILABLE = 3;
    /** Redis is full (maxmemory reached) and refused a write; a refused enqueue stored nothing. */
    public static final int REDIS_FULL = 4;
    /** An enqueue was sent but not answered: its jobs may be stored; look them up, or retry with the same --id. */
    public static final int ENQUEUE_UNKNOWN = 5;

    private ExitCodes() {}

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
        if (e instanceof RedisFullException) {
            return REDIS_FULL;
        }
        // Before RedisUnavailableException, which it is too: "maybe stored" must not read as "not stored".
        if (e instanceof EnqueueUnknownException) {
            return ENQUEUE_UNKNOWN;
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
