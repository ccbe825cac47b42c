package io.jrq.internal.client;

import io.jrq.CorruptJobException;
import io.jrq.internal.Keys;
import io.jrq.internal.redis.Commands;
import io.jrq.internal.redis.Redis;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Reads a job in any of its forms: a queued plain job is a field of the queue's queued hash
 * ({@code <enqueued_at ms>:<payload>}, see lib/queued.lua), every other job a hash of its own, and a
 * running job leased from the compact form keeps its payload in the queue's payloads hash
 * (lib/running.lua).
 *
 * <p>The field is read before the hash, on the same connection, so the two reads run in that order
 * in Redis. A job only ever moves from the field to the hash (fetch.lua, cancel.lua, depend.lua do
 * it atomically), so if the field is gone by the first read the hash is there by the second; if
 * both are there the hash is the newer state. The held payload is read third: a STARTED hash
 * without a payload whose held payload is gone by then ended or went back to the queue between
 * those two reads (both put the payload where it belongs first), so the job is read again.
 */
final class JobReader {
    /** Reads of a job that moved between two reads before it is shown as it was last read. */
    private static final int TRIES = 3;

    private final Redis redis;
    private final Keys keys;

    JobReader(Redis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * @param queue the queue
     * @param id the job id
     * @return the job, empty when there is none; fails with {@link CorruptJobException} when a
     *     record cannot be read
     */
    CompletableFuture<Optional<JobRecord>> read(String queue, String id) {
        return read(queue, id, 1);
    }

    private CompletableFuture<Optional<JobRecord>> read(String queue, String id, int attempt) {
        String field = keys.queued(queue);
        String key = keys.job(queue, id);
        String payloadsKey = keys.payloads(queue);
        Commands commands = redis.commands();
        // A queued or payloads hash of the wrong type only matters when the job needs it.
        CompletableFuture<Object> compact = commands.hget(field, id)
                .handle((v, e) -> e != null ? corrupt(field + " (the queue's queued jobs)", e) : v);
        CompletableFuture<Map<String, String>> hash = commands.hgetall(key).exceptionally(e -> {
            throw corrupt("job key " + key, e);
        });
        CompletableFuture<Object> held = commands.hget(payloadsKey, id)
                .handle((v, e) ->
                        e != null ? corrupt(payloadsKey + " (the payloads of the queue's running jobs)", e) : v);
        return hash.thenCompose(h -> compact.thenCombine(held, (c, p) -> new Parts(h, c, p)))
                .thenCompose(p -> {
                    Map<String, String> h = p.hash();
                    if (h != null && !h.isEmpty()) {
                        if (h.containsKey("payload") || !"STARTED".equals(h.get("status"))) {
                            return done(JobRecord.fromHash(queue, id, h));
                        }
                        if (p.held() instanceof String payload) {
                            Map<String, String> whole = new HashMap<>(h);
                            whole.put("payload", payload);
                            return done(JobRecord.fromHash(queue, id, whole));
                        }
                        if (p.held() instanceof RuntimeException e) {
                            throw e;
                        }
                        // Moved on between the reads; after the last try it shows as read, without a payload.
                        return attempt < TRIES ? read(queue, id, attempt + 1) : done(JobRecord.fromHash(queue, id, h));
                    }
                    if (p.compact() instanceof RuntimeException e) {
                        throw e;
                    }
                    return CompletableFuture.completedFuture(
                            p.compact() == null
                                    ? Optional.empty()
                                    : Optional.of(fromCompact(queue, id, (String) p.compact())));
                });
    }

    private static CompletableFuture<Optional<JobRecord>> done(JobRecord r) {
        return CompletableFuture.completedFuture(Optional.of(r));
    }

    /** The three reads of one job: its hash, its compact record, its held payload (or their failures). */
    private record Parts(Map<String, String> hash, Object compact, Object held) {}

    /**
     * @param queue the queue
     * @param id the job id
     * @return whether the job exists in either form
     */
    CompletableFuture<Boolean> exists(String queue, String id) {
        CompletableFuture<Boolean> compact =
                redis.commands().hexists(keys.queued(queue), id).toCompletableFuture();
        CompletableFuture<Long> hash =
                redis.commands().exists(keys.job(queue, id)).toCompletableFuture();
        return compact.thenCombine(hash, (c, h) -> Boolean.TRUE.equals(c) || (h != null && h > 0));
    }

    /**
     * The queue that holds a job: the queues of the registry ({@link QueueRegistry}) are asked at
     * once, pipelined, and answered in the registry's order.
     *
     * @param id the job id
     * @return the first queue with a job of that id, or empty
     */
    Optional<String> findQueue(String id) {
        java.util.Set<String> queues = QueueRegistry.read(redis, keys);
        Map<String, CompletableFuture<Boolean>> probes = new java.util.LinkedHashMap<>();
        for (String q : queues) {
            probes.put(q, exists(q, id));
        }
        for (Map.Entry<String, CompletableFuture<Boolean>> e : probes.entrySet()) {
            if (redis.await(e.getValue())) {
                return Optional.of(e.getKey());
            }
        }
        return Optional.empty();
    }

    /** The record of a queued job in compact form, as the hash fetch.lua would make of it. */
    static JobRecord fromCompact(String queue, String id, String value) {
        int colon = value.indexOf(':');
        if (colon < 1
                || colon > 15
                || colon == value.length() - 1
                || !value.substring(0, colon).chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new CorruptJobException("job " + queue + "/" + id + " is corrupt: its queued record is not"
                    + " <enqueued_at>:<payload>: " + (value.length() > 40 ? value.substring(0, 40) + "..." : value));
        }
        return JobRecord.fromHash(
                queue,
                id,
                Map.of(
                        "status",
                        "QUEUED",
                        "enqueued_at",
                        value.substring(0, colon),
                        "payload",
                        value.substring(colon + 1)));
    }

    /** A {@link CorruptJobException} naming what when Redis said WRONGTYPE, else the failure itself. */
    private static RuntimeException corrupt(String what, Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (String.valueOf(c.getMessage()).startsWith("WRONGTYPE")) {
            return new CorruptJobException(what + " is corrupt: it holds another Redis type than a hash");
        }
        return c instanceof RuntimeException re ? re : new CompletionException(c);
    }
}
