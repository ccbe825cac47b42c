package io.jrq.internal.client;

import io.jrq.InstanceResolver;
import io.jrq.JobExistsException;
import io.jrq.JobStatus;
import io.jrq.JrqOptions;
import io.jrq.internal.codec.RetrySpec;
import io.jrq.internal.worker.Invoker;
import io.jrq.internal.worker.LeasedJob;
import io.jrq.internal.worker.Outcome;
import io.jrq.internal.worker.WorkerConfig;
import io.jrq.internal.worker.WorkerHandle;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backend of {@code Jrq.inline()}: no Redis; each job runs synchronously inside enqueue through
 * the same {@link Invoker} a worker uses (so arguments and results still go through JSON), and its
 * record is kept in memory.
 */
public final class InlineBackend implements Backend {
    private static final String WORKER = "inline";

    private final Clock clock;
    private final Map<String, JobRecord> jobs = new ConcurrentHashMap<>();
    private final RecurringStore recurring;
    private final io.jrq.internal.observe.Observers observers = new io.jrq.internal.observe.Observers();
    private volatile Invoker invoker = new Invoker(
            List.of(),
            true,
            Map.of(),
            Map.of(),
            RetrySpec.NONE,
            InstanceResolver.constructors(),
            Thread.currentThread().getContextClassLoader());

    /** @param options the client's options (its clock stamps the jobs) */
    public InlineBackend(JrqOptions options) {
        this.clock = options.clock();
        this.recurring = new InlineRecurringStore(clock);
    }

    private static String key(String queue, String id) {
        return queue + "\u0000" + id;
    }

    @Override
    public synchronized List<String> enqueue(String queue, List<EncodedJob> batch, EnqueueSpec spec) {
        for (EncodedJob job : batch) {
            if (jobs.containsKey(key(queue, job.id()))) {
                throw new JobExistsException(job.id());
            }
        }
        for (EncodedJob job : batch) {
            Instant enqueued = clock.instant();
            Map<String, String> hash = new java.util.HashMap<>();
            hash.put("payload", job.payload());
            hash.put("status", JobStatus.STARTED.name());
            hash.put("enqueued_at", Long.toString(enqueued.toEpochMilli()));
            hash.put("started_at", Long.toString(clock.millis()));
            hash.put("attempts", "1");
            hash.put("worker", WORKER);
            jobs.put(key(queue, job.id()), JobRecord.fromHash(queue, job.id(), hash));
            // Retries run at once, one after the other: inline mode does not wait out backoffs.
            Outcome o;
            int attempt = 0;
            do {
                attempt++;
                o = invoker.run(new LeasedJob(queue, job.id(), job.payload(), WORKER, attempt, 0), () -> {});
            } while (o.kind() == Outcome.Kind.RETRY);
            hash.put("attempts", Integer.toString(attempt));
            hash.put("status", o.finished() ? JobStatus.FINISHED.name() : JobStatus.FAILED.name());
            hash.put(o.finished() ? "result" : "error", o.data());
            hash.put("ended_at", Long.toString(clock.millis()));
            jobs.put(key(queue, job.id()), JobRecord.fromHash(queue, job.id(), hash));
        }
        return batch.stream().map(EncodedJob::id).toList();
    }

    /** Inline jobs have all ended by the time anyone could cancel them. */
    @Override
    public Optional<JobStatus> cancel(String queue, String id) {
        return read(queue, id).map(JobRecord::status);
    }

    @Override
    public Optional<JobRecord> read(String queue, String id) {
        return Optional.ofNullable(jobs.get(key(queue, id)));
    }

    @Override
    public CompletableFuture<JobRecord> awaitEnd(String queue, String id) {
        JobRecord r = jobs.get(key(queue, id));
        if (r == null) {
            return CompletableFuture.failedFuture(
                    new io.jrq.JrqException("job " + id + " does not exist in queue " + queue));
        }
        return CompletableFuture.completedFuture(r);
    }

    /** Inline jobs have ended before anyone could listen. */
    @Override
    public void onProgress(String queue, String id, java.util.function.Consumer<io.jrq.Progress> listener) {}

    @Override
    public Optional<String> findQueue(String id) {
        return jobs.values().stream()
                .filter(r -> r.id().equals(id))
                .map(JobRecord::queue)
                .findFirst();
    }

    @Override
    public long queuedCount(String queue) {
        return 0;
    }

    /** Inline mode has no worker threads: "starting" one installs its handlers and resolver for later enqueues. */
    @Override
    public WorkerHandle startWorker(WorkerConfig config) {
        this.invoker = config.invoker(true);
        return new WorkerHandle() {
            private volatile boolean open = true;

            @Override
            public String name() {
                return WORKER;
            }

            @Override
            public boolean isRunning() {
                return open;
            }

            @Override
            public int runningCount() {
                return 0;
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }

    /** Definitions are kept in memory and never run: inline mode has no workers. */
    @Override
    public RecurringStore recurring() {
        return recurring;
    }

    /** Counts enqueues only: inline jobs run inside {@code enqueue}, not on a worker. */
    @Override
    public io.jrq.internal.observe.Observers observers() {
        return observers;
    }

    @Override
    public AdminOps admin() {
        throw new UnsupportedOperationException("inline mode has no queues to administer: jobs run inside enqueue");
    }

    @Override
    public void close() {
        jobs.clear();
    }
}
