package io.jrq.internal.client;

import io.jrq.JobStatus;
import io.jrq.JrqException;
import io.jrq.JrqOptions;
import io.jrq.NotDurableException;
import io.jrq.RedisUnavailableException;
import io.jrq.internal.Keys;
import io.jrq.internal.codec.JobRef;
import io.jrq.internal.codec.Json;
import io.jrq.internal.observe.Observers;
import io.jrq.internal.redis.Commands;
import io.jrq.internal.redis.Dependencies;
import io.jrq.internal.redis.DurableWrites;
import io.jrq.internal.redis.EndedJob;
import io.jrq.internal.redis.PartitionTable;
import io.jrq.internal.redis.Partitions;
import io.jrq.internal.redis.ProtocolVersion;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.ScriptGateway;
import io.jrq.internal.redis.ScriptGateway.EnqueueReply;
import io.jrq.internal.redis.ServerCheck;
import io.jrq.internal.worker.WorkerConfig;
import io.jrq.internal.worker.WorkerHandle;
import io.jrq.internal.worker.WorkerRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The backend of a connected client: jobs live in Redis, results arrive through {@link JobWatcher}. */
public final class RedisBackend implements Backend {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RedisBackend.class);
    /** Jobs per enqueue script call in bulk enqueues; the calls themselves are pipelined. */
    static final int BATCH = 500;

    private final JrqOptions options;
    private final Redis redis;
    private final Keys keys;
    private final ScriptGateway scripts;
    private final JobWatcher watcher;
    private final AdminOps admin;
    private final PartitionRouter router;
    private final JobReader reader;
    private final Dependencies dependencies;
    private final RecurringStore recurring;
    private final DurableWrites durable;
    private final EnqueueFailures failures;
    private final Set<String> registeredQueues = ConcurrentHashMap.newKeySet();
    private final Observers observers = new Observers();

    private RedisBackend(JrqOptions options, Redis redis) {
        this.options = options;
        this.redis = redis;
        this.keys = new Keys(options.keyPrefix());
        this.scripts = new ScriptGateway(redis, keys);
        this.watcher = new JobWatcher(redis, keys, this::readAsync);
        this.reader = new JobReader(redis, keys);
        Partitions partitions = new Partitions(redis, keys, scripts);
        this.router = new PartitionRouter(partitions, System::currentTimeMillis);
        this.admin = new PartitionedAdmin(new RedisAdmin(redis, keys, scripts, reader), partitions, router);
        this.dependencies = new Dependencies(scripts, options);
        this.recurring = new RedisRecurringStore(redis, keys, scripts);
        this.durable = new DurableWrites(redis);
        this.failures = new EnqueueFailures(redis.endpoint());
    }

    /**
     * @param options client options
     * @return a backend connected to the configured Redis
     */
    public static RedisBackend connect(JrqOptions options) {
        long t0 = System.nanoTime();
        Redis redis = Redis.connect(options);
        try {
            // The protocol check's SET NX and GET also tell that the server answers.
            ProtocolVersion.check(redis, new Keys(options.keyPrefix()).protocol());
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        long connected = System.nanoTime();
        RedisBackend backend = new RedisBackend(options, redis);
        ClientWarmUp.run(options, backend.scripts);
        log.debug(
                "connected to {} in {} ms (enqueue path warm-up {} ms)",
                redis.endpoint().describe(),
                (System.nanoTime() - t0) / 1_000_000,
                (System.nanoTime() - connected) / 1_000_000);
        return backend;
    }

    /**
     * Stores the jobs and waits for the outcome. Every failure says what happened to the jobs (see
     * {@link EnqueueFailures}): not stored, or {@link io.jrq.EnqueueUnknownException}.
     */
    @Override
    public List<String> enqueue(String queue, List<EncodedJob> jobs, EnqueueSpec spec) {
        if (!spec.durability().isNone()) {
            return enqueueDurably(queue, jobs, spec);
        }
        CompletableFuture<List<String>> stored = enqueueAsync(queue, jobs, spec);
        // Each step has its own command timeout: waiting for the connection, the registration, the
        // script, and one script call per dependency queue and job.
        long steps = 3
                + (spec.deps().isEmpty() ? 0 : (long) jobs.size() * spec.deps().size());
        long boundMs = steps * (redis.timeout().toMillis() + 1000);
        try {
            return stored.get(boundMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failures.unknown(queue, List.of(jobs), new JrqException("interrupted while waiting for Redis", e));
        } catch (TimeoutException e) {
            throw failures.unknown(
                    queue,
                    List.of(jobs),
                    new RedisUnavailableException(
                            "Redis at " + redis.endpoint().describe() + " did not answer within "
                                    + Duration.ofMillis(boundMs),
                            e));
        } catch (ExecutionException e) {
            Throwable why = EnqueueFailures.unwrap(e);
            throw why instanceof RuntimeException re ? re : failures.unknown(queue, List.of(jobs), why);
        }
    }

    @Override
    public CompletableFuture<List<String>> enqueueAsync(String queue, List<EncodedJob> jobs, EnqueueSpec spec) {
        if (!spec.durability().isNone()) {
            // WAIT/WAITAOF hold a dedicated connection until the replicas or the disk answer: the
            // caller must not be the one held, so the durable path runs on the common pool.
            return CompletableFuture.supplyAsync(() -> enqueueDurably(queue, jobs, spec));
        }
        CompletableFuture<Void> up = redis.whenConnected();
        boolean register = registeredQueues.add(queue);
        CompletableFuture<List<String>> stored;
        if (up.isDone() && !up.isCompletedExceptionally() && !register) {
            // The usual case, without a future more than needed: connected, queue registered.
            stored = store(queue, jobs, spec);
        } else {
            // The queue is registered before a job is sent, so that a refused registration (a full
            // Redis) leaves nothing behind; that costs one round trip per queue and client.
            CompletableFuture<Void> ready = register
                    ? up.thenCompose(
                            v -> redis.commands().sadd(keys.queues(), queue).thenApply(n -> (Void) null))
                    : up;
            stored = ready.handle((v, e) -> e).thenCompose(e -> {
                if (e != null) {
                    if (register) {
                        registeredQueues.remove(queue);
                    }
                    return CompletableFuture.failedFuture(
                            failures.notSent(queue, jobs, redis.translate(EnqueueFailures.unwrap(e))));
                }
                return store(queue, jobs, spec);
            });
        }
        if (spec.deps().isEmpty()) {
            return stored;
        }
        // Registering dependents waits for Redis, which must not happen on the I/O thread that
        // completed the enqueue: it runs on the common pool.
        return stored.thenApplyAsync(ids -> {
            registerDependents(queue, jobs, ids, spec);
            return ids;
        });
    }

    /** Sends the enqueue script calls on the shared connection; fails with what happened to the jobs. */
    private CompletableFuture<List<String>> store(String queue, List<EncodedJob> jobs, EnqueueSpec spec) {
        List<List<EncodedJob>> parts = batches(jobs);
        List<CompletableFuture<EnqueueReply>> replies = sendBatches(redis.commands(), queue, parts, spec);
        CompletableFuture<Void> all = replies.size() == 1
                ? replies.get(0).thenApply(r -> (Void) null)
                : CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new));
        return all.handle((v, e) -> {
            if (e != null) {
                throw failures.failed(queue, parts, replies);
            }
            return idsOf(replies);
        });
    }

    /** Stores the jobs, then waits for the replicas or the AOF as {@code spec.durability()} asks. */
    private List<String> enqueueDurably(String queue, List<EncodedJob> jobs, EnqueueSpec spec) {
        List<String> ids;
        NotDurableException unconfirmed = null;
        if (registeredQueues.add(queue)) {
            try {
                redis.await(redis.commands().sadd(keys.queues(), queue));
            } catch (RuntimeException e) {
                registeredQueues.remove(queue);
                throw failures.notSent(queue, jobs, e);
            }
        }
        List<List<EncodedJob>> parts = batches(jobs);
        try {
            ids = durable.write(
                    queue,
                    keys.ready(queue),
                    spec.durability(),
                    on -> {
                        List<CompletableFuture<EnqueueReply>> replies = sendBatches(on, queue, parts, spec);
                        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
                                .handle((v, e) -> {
                                    if (e != null) {
                                        throw failures.failed(queue, parts, replies);
                                    }
                                    return idsOf(replies);
                                });
                    },
                    stored -> stored,
                    e -> EnqueueFailures.classified(e) ? e : failures.unknown(queue, parts, e));
        } catch (NotDurableException e) {
            // Stored all the same: the dependencies must still be registered before it is thrown.
            unconfirmed = e;
            ids = e.jobIds();
        }
        if (!spec.deps().isEmpty()) {
            registerDependents(queue, jobs, ids, spec);
        }
        if (unconfirmed != null) {
            throw unconfirmed;
        }
        return ids;
    }

    /**
     * Registers the stored jobs with their dependencies; jobs whose unique key named an existing job
     * were not stored. A job enqueued again with its id is registered again, which completes a
     * registration that failed the first time (both steps are idempotent).
     */
    private void registerDependents(String queue, List<EncodedJob> jobs, List<String> ids, EnqueueSpec spec) {
        List<String> created = new ArrayList<>();
        for (int j = 0; j < jobs.size(); j++) {
            if (ids.get(j).equals(jobs.get(j).id())) {
                created.add(ids.get(j));
            }
        }
        try {
            dependencies.register(queue, created, spec.deps());
        } catch (RuntimeException e) {
            throw failures.dependenciesNotRegistered(queue, created, e);
        }
    }

    private static List<List<EncodedJob>> batches(List<EncodedJob> jobs) {
        if (jobs.size() <= BATCH) {
            return List.of(jobs);
        }
        List<List<EncodedJob>> parts = new ArrayList<>();
        for (int from = 0; from < jobs.size(); from += BATCH) {
            parts.add(jobs.subList(from, Math.min(jobs.size(), from + BATCH)));
        }
        return parts;
    }

    /** Sends the enqueue script once per batch, pipelined; each batch is stored atomically. */
    private List<CompletableFuture<EnqueueReply>> sendBatches(
            Commands on, String queue, List<List<EncodedJob>> parts, EnqueueSpec spec) {
        ScriptGateway.Enqueue enqueue = scripts.enqueue(
                queue,
                spec.atFront(),
                spec.atMs(),
                spec.delayMs(),
                spec.uniqueScope(),
                spec.uniqueTtlMs(),
                spec.deps(),
                spec.depPolicy());
        List<CompletableFuture<EnqueueReply>> batches = new ArrayList<>(parts.size());
        for (List<EncodedJob> batch : parts) {
            batches.add(enqueue.send(on, batch));
        }
        return batches;
    }

    private static List<String> idsOf(List<CompletableFuture<EnqueueReply>> batches) {
        if (batches.size() == 1) {
            return batches.get(0).join().ids();
        }
        List<String> ids = new ArrayList<>();
        for (CompletableFuture<EnqueueReply> batch : batches) {
            ids.addAll(batch.join().ids());
        }
        return ids;
    }

    @Override
    public Optional<JobStatus> cancel(String queue, String id) {
        ScriptGateway.CancelReply r =
                scripts.cancel(queue, id, options.resultTtl().toSeconds(), options.failedJobsMax());
        switch (r.outcome()) {
            case MISSING:
                return Optional.empty();
            case CANCELED:
                List<String> refs = r.dependents();
                if (!refs.isEmpty()) {
                    dependencies.release(List.of(new EndedJob(new JobRef(queue, id).toString(), "CANCELED", refs)));
                }
                return Optional.of(JobStatus.CANCELED);
            case STOPPING:
                String worker = r.worker();
                String command = "{\"cmd\":\"stop\",\"queue\":" + Json.mapper().valueToTree(queue) + ",\"id\":"
                        + Json.mapper().valueToTree(id) + "}";
                redis.await(redis.commands().publish(keys.commands(worker), command));
                return Optional.of(JobStatus.STARTED);
            default:
                return read(queue, id).map(JobRecord::status);
        }
    }

    CompletableFuture<Optional<JobRecord>> readAsync(String queue, String id) {
        return reader.read(queue, id);
    }

    @Override
    public Optional<JobRecord> read(String queue, String id) {
        return redis.await(readAsync(queue, id));
    }

    @Override
    public CompletableFuture<JobRecord> awaitEnd(String queue, String id) {
        return watcher.watch(queue, id);
    }

    @Override
    public void onProgress(String queue, String id, java.util.function.Consumer<io.jrq.Progress> listener) {
        watcher.onProgress(queue, id, listener);
    }

    @Override
    public List<String> route(String queue, List<EncodedJob> jobs, String orderingKey, boolean idsGiven) {
        PartitionTable t = router.table(queue);
        if (!t.partitioned() || t.count() == 1) {
            return java.util.Collections.nCopies(jobs.size(), t.active().get(0));
        }
        List<String> active = t.active();
        List<String> out = new java.util.ArrayList<>(jobs.size());
        for (EncodedJob j : jobs) {
            String key = orderingKey != null ? orderingKey : j.uniqueKey() != null ? j.uniqueKey() : j.id();
            int i = PartitionTable.index(key, active.size());
            if (orderingKey == null && j.uniqueKey() == null && !idsGiven) {
                // A job only its fresh id places may go to any partition: not to one whose master is
                // gone until the cluster fails it over, where the call would wait for that.
                for (int k = 0; k < active.size() && !scripts.reachable(active.get(i)); k++) {
                    i = (i + 1) % active.size();
                }
            }
            out.add(active.get(i));
        }
        return out;
    }

    @Override
    public List<String> partitionsToSearch(String queue, String id) {
        return router.table(queue).searchOrder(id);
    }

    @Override
    public Optional<String> findQueue(String id) {
        return reader.findQueue(id);
    }

    @Override
    public long queuedCount(String queue) {
        Long n = redis.await(redis.commands().llen(keys.ready(queue)));
        return n == null ? 0 : n;
    }

    @Override
    public WorkerHandle startWorker(WorkerConfig config) {
        ServerCheck.checkEviction(redis, config.allowEviction());
        for (String q : config.queues()) {
            if (registeredQueues.add(q)) {
                try {
                    // Asked first: on a full Redis even the SADD of a member already there is refused.
                    if (!redis.await(redis.commands().sismember(keys.queues(), q))) {
                        redis.await(redis.commands().sadd(keys.queues(), q));
                    }
                } catch (RuntimeException e) {
                    registeredQueues.remove(q);
                    if (!(e instanceof io.jrq.RedisFullException)) {
                        throw e;
                    }
                    // A worker is what drains a full Redis: it must start. The queue is listed by the next producer.
                    log.warn(
                            "Redis is full (maxmemory reached): queue {} could not be added to the queue registry {}; "
                                    + "the worker starts anyway",
                            q,
                            keys.queues());
                }
            }
        }
        return WorkerRuntime.start(config, options, redis, keys, scripts, dependencies, observers);
    }

    @Override
    public Observers observers() {
        return observers;
    }

    @Override
    public AdminOps admin() {
        return admin;
    }

    @Override
    public RecurringStore recurring() {
        return recurring;
    }

    @Override
    public void close() {
        watcher.close();
        durable.close();
        redis.close();
    }
}
