package io.jrq.internal.worker;

import io.jrq.JobContext;

/** Holds the context of the job running on the current thread, for {@link JobContext#current()}. */
public final class CurrentJob {
    private static final ThreadLocal<JobContext> CURRENT = new ThreadLocal<>();

    private CurrentJob() {
    }

    /** @return the current job's context @throws IllegalStateException outside a job */
    public static JobContext get() {
        JobContext ctx = CURRENT.get();
        if (ctx == null) {
            throw new IllegalStateException("no jrq job is running on this thread");
        }
        return ctx;
    }

    static void set(JobContext ctx) {
        CURRENT.set(ctx);
    }

    static void clear() {
        CURRENT.remove();
    }
}
