package io.jrq.internal.client;

import io.jrq.DependencyPolicy;
import io.jrq.EnqueueOptions;
import io.jrq.InvalidJobException;
import io.jrq.JrqOptions;
import io.jrq.Uniqueness;
import io.jrq.internal.codec.EncodedCall;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.codec.JobIds;
import io.jrq.internal.codec.RetrySpec;
import io.jrq.internal.observe.Send;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one view of a queue ({@code Queue} with its {@link EnqueueOptions}) stores for its calls: the
 * envelope of each call (id, result TTL, retry, timeout, dependencies, callbacks), the payload JSON
 * checked against {@link JrqOptions#maxPayloadBytes()}, and the call's {@link EnqueueSpec} with the
 * options spelled as the enqueue script reads them. Immutable.
 */
public final class JobEncoder {
    private final EnqueueOptions options;
    private final RetrySpec retry;
    private final JrqOptions client;

    /**
     * @param options the view's enqueue options
     * @param retry their retry policy as it travels, or null for the worker's default
     * @param client the client's options: default result TTL and durability, payload limit
     */
    public JobEncoder(EnqueueOptions options, RetrySpec retry, JrqOptions client) {
        this.options = options;
        this.retry = retry;
        this.client = client;
    }

    /**
     * @param call the function and its arguments
     * @return its envelope, with the options' id or a new one
     */
    public Envelope envelope(EncodedCall call) {
        EnqueueOptions o = options;
        String id = o.jobId() != null ? o.jobId() : JobIds.next();
        // Always written, so the producer's result TTL applies whichever worker finishes the job.
        long ttl = (o.resultTtl() != null ? o.resultTtl() : client.resultTtl()).toSeconds();
        return new Envelope(
                id,
                call.fn(),
                call.args(),
                call.params(),
                o.description(),
                o.meta(),
                ttl,
                retry,
                o.timeout() == null ? -1 : o.timeout().toMillis(),
                o.dependsOn(),
                o.callbacks());
    }

    /**
     * @param envs the call's envelopes
     * @param send the observers' view of the call
     * @return the envelopes carrying the trace context the observers inject, or {@code envs} when they inject none
     */
    public static List<Envelope> traced(List<Envelope> envs, Send send) {
        if (send == Send.NONE) {
            return envs;
        }
        Map<String, String> trace = new LinkedHashMap<>();
        send.inject(trace);
        if (trace.isEmpty()) {
            return envs;
        }
        List<Envelope> traced = new ArrayList<>(envs.size());
        for (Envelope env : envs) {
            traced.add(env.withTrace(trace));
        }
        return traced;
    }

    /**
     * @param envs the envelopes to store
     * @return them as JSON, with the options' unique key
     * @throws InvalidJobException when a payload is over the limit
     */
    public List<EncodedJob> encode(List<Envelope> envs) {
        int limit = client.maxPayloadBytes();
        List<EncodedJob> encoded = new ArrayList<>(envs.size());
        for (Envelope env : envs) {
            String json = env.toJson();
            // A UTF-16 char is at most 3 UTF-8 bytes, so short payloads skip the byte count.
            int size = json.length() <= limit / 3 ? json.length() : json.getBytes(StandardCharsets.UTF_8).length;
            if (size > limit) {
                throw new InvalidJobException(
                        "job payload for " + env.fn() + " is " + size + " bytes, over the limit of " + limit
                                + " bytes (JrqOptions.maxPayloadBytes); store large data elsewhere and pass its key");
            }
            encoded.add(new EncodedJob(env.id(), json, options.uniqueKey()));
        }
        return encoded;
    }

    /** @return what applies to the whole call, as {@code enqueue.lua} reads it */
    public EnqueueSpec spec() {
        EnqueueOptions o = options;
        String scope = o.uniqueTtl() != null ? "T" : o.uniqueness() == Uniqueness.WHILE_ACTIVE ? "A" : "Q";
        return new EnqueueSpec(
                o.atFront(),
                o.at() == null ? -1 : o.at().toEpochMilli(),
                o.delay() == null ? -1 : o.delay().toMillis(),
                scope,
                o.uniqueTtl() == null ? -1 : o.uniqueTtl().toMillis(),
                o.dependsOn(),
                o.dependencyPolicy() == DependencyPolicy.RUN ? "run" : "cancel",
                o.durability() != null ? o.durability() : client.durability());
    }
}
