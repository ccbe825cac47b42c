package io.jrq.internal.client;

/**
 * A job ready to store: its id, its envelope as JSON text (checked against the size limit) and its
 * unique key.
 *
 * @param id the job id
 * @param payload the envelope JSON
 * @param uniqueKey the unique key, or null
 */
public record EncodedJob(String id, String payload, String uniqueKey) {
}
