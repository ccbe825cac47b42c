package io.jrq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.jrq.JrqOptions;
import io.jrq.internal.client.EncodedJob;
import io.jrq.internal.client.EnqueueSpec;
import io.jrq.internal.client.RedisBackend;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.codec.JobIds;
import io.jrq.internal.codec.RetrySpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Enqueues jobs whose method is named by text, {@code com.example.Jobs::method}, with JSON
 * arguments. The core's public API cannot do that yet: {@code Queue.enqueue} takes method
 * references for methods and refuses {@code ::} in a handler name. This class should move to the
 * core as {@code Queue.enqueueRaw(fn, jsonArgs)} (and a bulk variant); until then it is the only
 * place where the command line uses the core's internal packages for writing.
 *
 * <p>It builds the v1 job envelope of docs/PROTOCOL.md and stores it through the core's own Redis
 * backend, so the command line has no Redis code of its own: connection settings (TLS, Sentinel,
 * Cluster, ACL), key layout, the enqueue script and its argument layout, and the batching of bulk
 * enqueues (one script call per 500 jobs, pipelined) are the core's. Not thread-safe.
 */
final class RawEnqueue implements AutoCloseable {
    /** {@code binary.class.Name::method}; the worker checks the rest (allowed package, method exists). */
    static final Pattern METHOD = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*::[A-Za-z_$][A-Za-z0-9_$]*");

    private final JrqOptions options;
    private RedisBackend backend;

    /** @param options the client options of the command (URL, key prefix, result TTL, payload limit) */
    RawEnqueue(JrqOptions options) {
        this.options = options;
    }

    /** @param fn a function as typed @return true when it names a method rather than a handler */
    static boolean isMethod(String fn) {
        return fn.contains("::");
    }

    /**
     * Encodes one job.
     *
     * @param fn {@code class::method}, checked with {@link #METHOD}
     * @param args the arguments
     * @param settings retry and timeout
     * @return the job with a new random id, ready to {@link #store}
     * @throws IllegalArgumentException when {@code fn} is not a method name or the payload is over the size limit
     */
    EncodedJob encode(String fn, ArrayNode args, JobSettings settings) {
        if (!METHOD.matcher(fn).matches()) {
            throw new IllegalArgumentException("'" + fn + "' is not a method name; write it as com.example.Jobs::method");
        }
        String id = JobIds.next();
        long ttl = options.resultTtl().getSeconds();
        Envelope env = new Envelope(id, fn, args, List.of(), null, Map.of(), ttl, retrySpec(settings),
                settings.timeout() == null ? -1 : settings.timeout().toMillis(), List.of(), Map.of());
        String json = env.toJson();
        int size = json.getBytes(StandardCharsets.UTF_8).length;
        if (size > options.maxPayloadBytes()) {
            throw new IllegalArgumentException("the job's payload is " + size + " bytes, over the limit of " + options.maxPayloadBytes()
                    + " bytes; store large data elsewhere and pass its key");
        }
        return new EncodedJob(id, json, null, true);
    }

    /**
     * Stores jobs on a queue, atomically per batch of 500, the batches pipelined.
     *
     * @param queue the queue
     * @param jobs jobs from {@link #encode}
     * @param settings when they are due
     * @return their ids, in order
     * @throws io.jrq.RedisUnavailableException when Redis cannot be reached
     */
    List<String> store(String queue, List<EncodedJob> jobs, JobSettings settings) {
        if (backend == null) {
            backend = RedisBackend.connect(options);
        }
        EnqueueSpec spec = new EnqueueSpec(false, settings.at() == null ? -1 : settings.at().toEpochMilli(),
                settings.delay() == null ? -1 : settings.delay().toMillis(), EnqueueSpec.NOW.uniqueScope(), -1, List.of(),
                EnqueueSpec.NOW.depPolicy());
        return backend.enqueue(queue, jobs, spec);
    }

    /** The same policy as {@link JobSettings#toOptions()} gives handler jobs, in its envelope form. */
    static RetrySpec retrySpec(JobSettings s) {
        if (s.retries() <= 0) {
            return null;
        }
        int attempts = s.retries() + 1;
        if (s.retryDelay() != null) {
            return new RetrySpec(attempts, "FIXED", List.of(s.retryDelay().toMillis()), 0, 0, 0, List.of());
        }
        return new RetrySpec(attempts, "EXPONENTIAL", List.of(), JobSettings.BACKOFF_BASE.toMillis(), JobSettings.BACKOFF_CAP.toMillis(),
                JobSettings.BACKOFF_JITTER, List.of());
    }

    @Override
    public void close() {
        if (backend != null) {
            backend.close();
        }
    }
}
