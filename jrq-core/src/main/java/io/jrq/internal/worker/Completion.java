package io.jrq.internal.worker;

import io.jrq.internal.redis.ScriptGateway;

/**
 * The outcome of a job waiting to be acknowledged to Redis by the next fetch call of its queue.
 *
 * @param job the job
 * @param outcome how it ended
 * @param ttlSeconds how long Redis keeps the ended job
 */
record Completion(LeasedJob job, Outcome outcome, long ttlSeconds) implements ScriptGateway.Ack {
    @Override
    public String status() {
        return outcome.kind().name();
    }

    @Override
    public String data() {
        return outcome.data();
    }

    @Override
    public long delayMs() {
        return outcome.delayMs();
    }
}
