package io.jrq.internal.client;

import io.jrq.internal.redis.ScriptGateway;

/**
 * A job ready to store: its id, its envelope as JSON text (checked against the size limit) and its
 * unique key. The enqueue script checks every id, generated or not: a call sent twice (a retry with
 * the same id, the driver's resend after a reconnect) must find the job the first one stored.
 *
 * @param id the job id
 * @param payload the envelope JSON
 * @param uniqueKey the unique key, or null
 */
public record EncodedJob(String id, String payload, String uniqueKey) implements ScriptGateway.NewJob {}
