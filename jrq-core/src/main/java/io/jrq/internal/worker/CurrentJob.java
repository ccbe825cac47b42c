package io.jrq.internal.worker;

/**
 * Holds the context of the job running on the current thread, for {@code io.jrq.JobContext.current()}.
 * It stores the context untyped and the caller names the type it expects: the API depends on this
 * class and never the other way round, so {@code JobContext} and its holder form no cycle.
 */
public final class CurrentJob {
    private static final ThreadLocal<Object> CURRENT = new ThreadLocal<>();

    private CurrentJob() {}

    /**
     * @param type the type the context was set as
     * @param <T> that type
     * @return the current job's context
     * @throws IllegalStateException outside a job
     */
    public static <T> T get(Class<T> type) {
        Object ctx = CURRENT.get();
        if (ctx == null) {
            throw new IllegalStateException("no jrq job is running on this thread");
        }
        return type.cast(ctx);
    }

    static void set(Object ctx) {
        CURRENT.set(ctx);
    }

    static void clear() {
        CURRENT.remove();
    }
}
