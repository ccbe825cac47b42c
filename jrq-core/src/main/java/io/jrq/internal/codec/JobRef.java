package io.jrq.internal.codec;

import java.util.Objects;

/**
 * A job named across queues, written {@code queue/id}: the form in which dependencies, dependents
 * and a worker's running jobs are stored and passed to the scripts. A queue name holds no {@code /}
 * while an id may, so a reference splits at its first {@code /}.
 *
 * @param queue the job's queue
 * @param id the job's id
 */
public record JobRef(String queue, String id) {
    /** Both parts are required: a reference without one names no job. */
    public JobRef {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(id, "id");
    }

    /**
     * @param ref a reference as {@link #toString()} writes it
     * @return its queue and id
     * @throws IllegalArgumentException when it has no queue part before a {@code /}
     */
    public static JobRef parse(String ref) {
        int slash = ref == null ? -1 : ref.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("not a job reference (queue/id): '" + ref + "'");
        }
        return new JobRef(ref.substring(0, slash), ref.substring(slash + 1));
    }

    /** @return {@code queue/id} */
    @Override
    public String toString() {
        return queue + "/" + id;
    }
}
