package io.jrq;

/**
 * A job was enqueued with a custom id that another job in the queue already has, with another
 * function, arguments or options. Nothing was stored. (The same job enqueued again with its id is
 * not an error: the enqueue returns the stored job; see {@link EnqueueUnknownException}.)
 */
public class JobExistsException extends JrqException {
    private static final long serialVersionUID = 1L;
    private final String jobId;

    /** @param jobId the id that is taken */
    public JobExistsException(String jobId) {
        super("a job with id '" + jobId + "' already exists in this queue, with another function, arguments or options;"
                + " nothing was stored: choose another id or let jrq generate one");
        this.jobId = jobId;
    }

    /** @return the id that is taken */
    public String jobId() {
        return jobId;
    }
}
