package io.jrq;

import java.time.Duration;

/** {@link Job#await(Duration)} gave up: the job had not ended within the given time. The job itself goes on. */
public class AwaitTimeoutException extends JrqException {
    private static final long serialVersionUID = 1L;

    /**
     * @param jobId the job waited for
     * @param waited how long the caller waited
     * @param status the job's status when the wait ended
     */
    public AwaitTimeoutException(String jobId, Duration waited, JobStatus status) {
        super("job " + jobId + " did not end within " + waited + " (status " + status + ")");
    }
}
