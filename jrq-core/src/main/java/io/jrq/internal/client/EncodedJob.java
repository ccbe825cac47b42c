package io.jrq.internal.client;

/**
 * A job ready to store: its id and its envelope as JSON text, checked against the size limit.
 *
 * @param id the job id
 * @param payload the envelope JSON
 */
public record EncodedJob(String id, String payload) {
}
