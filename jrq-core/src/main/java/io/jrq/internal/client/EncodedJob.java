package io.jrq.internal.client;

/**
 * A job ready to store: its id, its envelope as JSON text (checked against the size limit) and its
 * unique key.
 *
 * @param id the job id
 * @param payload the envelope JSON
 * @param uniqueKey the unique key, or null
 * @param generatedId true when the id came from {@link io.jrq.internal.codec.JobIds}, so no job can
 *     have it yet and the enqueue script need not check
 */
public record EncodedJob(String id, String payload, String uniqueKey, boolean generatedId) {
    /** A job whose id the caller chose: the enqueue script checks that it is new. */
    public EncodedJob(String id, String payload, String uniqueKey) {
        this(id, payload, uniqueKey, false);
    }
}
