package io.jrq.internal.observe;

import java.util.Locale;

/** How one attempt of a job ended, as metrics tag it. */
public enum AttemptEnd {
    /** The job returned. */
    FINISHED,
    /** The job threw and has no attempt left (or must not be retried). */
    FAILED,
    /** The job threw and runs again after its backoff. */
    RETRIED,
    /** The job was stopped on request. */
    STOPPED,
    /** The worker lost the job's lease while it ran; its outcome was dropped and another worker runs it. */
    LOST;

    /** @return the tag value: the name in lower case */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
