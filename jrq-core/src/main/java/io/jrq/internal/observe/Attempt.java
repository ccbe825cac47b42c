package io.jrq.internal.observe;

/**
 * One observer's view of one attempt of a job, from its start on a worker to its outcome.
 * {@link #enter()} runs on the job's thread; {@link #ended} on whichever thread settled the outcome
 * (the job's, or a timer's for a timeout or a stop), exactly once.
 */
public interface Attempt {
    /** An attempt nobody watches. */
    Attempt NONE = (end, timedOut, errorType, errorMessage, runNanos) -> {};

    /** A scope that closes without a checked exception. */
    interface Scope extends AutoCloseable {
        /** Nothing to close. */
        Scope NOOP = () -> {};

        @Override
        void close();
    }

    /**
     * Called on the job's thread just before the job's code runs, e.g. to make a trace span current
     * so that the job's own spans are its children.
     *
     * @return closed on the same thread once the job's code returned
     */
    default Scope enter() {
        return Scope.NOOP;
    }

    /**
     * @param end how the attempt ended
     * @param timedOut true when it ran past its timeout and was interrupted ({@code end} then says
     *     whether it is retried or failed)
     * @param errorType the class name of what the job threw, or null when it finished
     * @param errorMessage its message, or null
     * @param runNanos how long the job's code ran (to the outcome)
     */
    void ended(AttemptEnd end, boolean timedOut, String errorType, String errorMessage, long runNanos);
}
