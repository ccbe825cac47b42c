package io.jrq;

/**
 * Thrown by {@link Job#await} (and used to complete {@link Job#future()} exceptionally) when the job
 * ended FAILED. {@link #error()} carries what the worker recorded.
 */
public class JobFailedException extends JrqException {
    private static final long serialVersionUID = 1L;
    private final String jobId;
    private final transient JobError error;

    /**
     * @param jobId the failed job
     * @param error what the worker recorded
     */
    public JobFailedException(String jobId, JobError error) {
        super("job " + jobId + " failed: " + error.type() + ": " + error.message());
        this.jobId = jobId;
        this.error = error;
    }

    /** @return the id of the failed job */
    public String jobId() {
        return jobId;
    }

    /** @return the exception type, message and stack trace text recorded by the worker */
    public JobError error() {
        return error;
    }
}
