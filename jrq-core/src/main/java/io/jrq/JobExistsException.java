package io.jrq;

/** A job was enqueued with a custom id that another job in the queue already has. Nothing was stored. */
public class JobExistsException extends JrqException {
    private static final long serialVersionUID = 1L;
    private final String jobId;

    /** @param jobId the id that is taken */
    public JobExistsException(String jobId) {
        super("a job with id '" + jobId + "' already exists in this queue; choose another id or let jrq generate one");
        this.jobId = jobId;
    }

    /** @return the id that is taken */
    public String jobId() {
        return jobId;
    }
}
