package io.jrq.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrq.JobStatus;
import io.jrq.JrqException;
import io.jrq.Progress;
import io.jrq.internal.Keys;
import io.jrq.internal.codec.JobRef;
import io.jrq.internal.codec.Json;
import io.jrq.internal.redis.PubSub;
import io.jrq.internal.redis.Redis;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the futures of awaited jobs from pushed events. One pub/sub connection per client,
 * subscribed lazily to the events channel of each queue someone waits on.
 *
 * <p>No race between "subscribe" and "finish": a job is read once the subscription is confirmed,
 * so a result that arrived before is seen by the read and one that arrives after by the event.
 * Events published while the connection was down are covered the same way: Lettuce resubscribes
 * after a reconnect, and every confirmed subscription re-reads the jobs waited on in that queue. A
 * slow safety sweep re-reads pending jobs in case an event was missed any other way.
 */
final class JobWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobWatcher.class);
    private static final long SWEEP_SECONDS = 5;

    private final Redis redis;
    private final Keys keys;
    private final BiFunction<String, String, CompletableFuture<Optional<JobRecord>>> reader;
    private final ConcurrentMap<String, ConcurrentMap<String, CompletableFuture<JobRecord>>> waiting =
            new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CompletableFuture<Void>> subscriptions = new ConcurrentHashMap<>();
    private final ConcurrentMap<JobRef, List<Consumer<Progress>>> progressListeners = new ConcurrentHashMap<>();
    private volatile PubSub pubsub;
    private volatile ScheduledExecutorService sweeper;

    JobWatcher(Redis redis, Keys keys, BiFunction<String, String, CompletableFuture<Optional<JobRecord>>> reader) {
        this.redis = redis;
        this.keys = keys;
        this.reader = reader;
    }

    CompletableFuture<JobRecord> watch(String queue, String id) {
        ConcurrentMap<String, CompletableFuture<JobRecord>> ids =
                waiting.computeIfAbsent(queue, q -> new ConcurrentHashMap<>());
        CompletableFuture<JobRecord> f = ids.computeIfAbsent(id, x -> {
            CompletableFuture<JobRecord> nf = new CompletableFuture<>();
            nf.whenComplete((r, e) -> ids.remove(x, nf));
            return nf;
        });
        subscribe(queue).whenComplete((ok, e) -> {
            if (e != null) {
                f.completeExceptionally(redis.translate(e));
            } else {
                check(queue, id);
            }
        });
        // Callers may cancel or time out their copy without cancelling other waiters of the same job.
        return f.thenApply(r -> r);
    }

    void onProgress(String queue, String id, Consumer<Progress> listener) {
        JobRef key = new JobRef(queue, id);
        progressListeners
                .computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
                .add(listener);
        // Listeners live as long as the job runs: the end of the job removes them.
        watch(queue, id).whenComplete((r, e) -> progressListeners.remove(key));
    }

    private CompletableFuture<Void> subscribe(String queue) {
        return subscriptions.computeIfAbsent(keys.events(queue), channel -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            try {
                connection().subscribe(channel).whenComplete((v, e) -> {
                    if (e != null) {
                        subscriptions.remove(channel, done);
                        done.completeExceptionally(e);
                    } else {
                        done.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                subscriptions.remove(channel, done);
                done.completeExceptionally(e);
            }
            return done;
        });
    }

    private synchronized PubSub connection() {
        if (pubsub == null) {
            PubSub c = redis.openPubSub(new PubSub.Listener() {
                @Override
                public void message(String channel, String message) {
                    onEvent(channel, message);
                }

                @Override
                public void subscribed(String channel) {
                    // Also fires after a reconnect: re-read everything waited on in this queue.
                    String queue = keys.queueOfEvents(channel);
                    if (queue != null) {
                        checkAll(queue);
                    }
                }
            });
            pubsub = c;
            ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "jrq-watch-sweep");
                t.setDaemon(true);
                return t;
            });
            s.scheduleWithFixedDelay(
                    () -> waiting.keySet().forEach(this::checkAll), SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
            sweeper = s;
        }
        return pubsub;
    }

    private volatile long lastBadEventWarning;

    private void onEvent(String channel, String message) {
        String queue = keys.queueOfEvents(channel);
        if (queue == null) {
            return;
        }
        try {
            JsonNode n = Json.mapper().readTree(message);
            Map<String, CompletableFuture<JobRecord>> ids = waiting.get(queue);
            JsonNode ended = n.get("ended");
            if (ended != null) {
                // fetch.lua's batch: {"ended":{"FINISHED":[ids...],"FAILED":[...]}}, every status terminal.
                if (ids != null && !ids.isEmpty()) {
                    ended.properties()
                            .forEach(e -> e.getValue().forEach(id -> {
                                if (ids.containsKey(id.asText())) {
                                    check(queue, id.asText());
                                }
                            }));
                }
                return;
            }
            String id = n.path("id").asText(null);
            JobStatus status = JobStatus.valueOf(n.path("status").asText());
            if (n.has("progress")) {
                // An event without an id names no job, so no listener can be waiting for it.
                List<Consumer<Progress>> ls = id == null ? null : progressListeners.get(new JobRef(queue, id));
                Progress p = JobRecord.progress(n.get("progress").toString());
                if (ls != null && p != null) {
                    ls.forEach(l -> l.accept(p));
                }
            }
            if (id != null && status.isTerminal() && ids != null && ids.containsKey(id)) {
                check(queue, id);
            }
        } catch (Exception e) {
            long now = System.nanoTime();
            // At most one warning a minute: a flood of garbage must not flood the log too.
            if (now - lastBadEventWarning > TimeUnit.MINUTES.toNanos(1) || lastBadEventWarning == 0) {
                lastBadEventWarning = now;
                log.warn(
                        "ignoring an unreadable event on channel {}: {} (event: {}); further ones are ignored silently for a minute",
                        channel,
                        io.jrq.internal.LogText.printable(e.getMessage() == null ? e.toString() : e.getMessage()),
                        JobRecord.abbreviate(message));
            }
        }
    }

    private void checkAll(String queue) {
        Map<String, CompletableFuture<JobRecord>> ids = waiting.get(queue);
        if (ids != null) {
            ids.keySet().forEach(id -> check(queue, id));
        }
    }

    private void check(String queue, String id) {
        Map<String, CompletableFuture<JobRecord>> ids = waiting.get(queue);
        CompletableFuture<JobRecord> f = ids == null ? null : ids.get(id);
        if (f == null || f.isDone()) {
            return;
        }
        reader.apply(queue, id).whenComplete((rec, e) -> {
            Throwable cause =
                    e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof io.jrq.CorruptJobException corrupt) {
                f.completeExceptionally(corrupt);
            } else if (e != null) {
                log.debug("could not read job {} in {}; will retry", id, queue, e);
            } else if (rec.isEmpty()) {
                f.completeExceptionally(new JrqException(
                        "job " + id + " does not exist in queue " + queue + " (never enqueued, expired or deleted)"));
            } else if (rec.get().status().isTerminal()) {
                f.complete(rec.get());
            }
        });
    }

    @Override
    public void close() {
        ScheduledExecutorService s = sweeper;
        if (s != null) {
            s.shutdownNow();
        }
        PubSub c = pubsub;
        if (c != null) {
            c.close();
        }
        JrqException closed = new JrqException("the jrq client was closed");
        waiting.values().forEach(m -> m.values().forEach(f -> f.completeExceptionally(closed)));
    }
}
