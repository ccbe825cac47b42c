package io.jrq;

/** What happens to a job when one of the jobs it depends on ends without finishing (failed, canceled, stopped, gone). */
public enum DependencyPolicy {
    /** Cancel the dependent (and, in turn, the jobs that depend on it). The default. */
    CANCEL,
    /** Run the dependent anyway once all its dependencies have ended. */
    RUN
}
