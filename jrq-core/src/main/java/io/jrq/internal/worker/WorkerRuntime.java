package io.jrq.internal.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.JobContext;
import io.jrq.JrqOptions;
import io.jrq.Progress;
import io.jrq.internal.Keys;
import io.jrq.internal.codec.JobRef;
import io.jrq.internal.codec.Json;
import io.jrq.internal.observe.Attempt;
import io.jrq.internal.observe.AttemptEnd;
import io.jrq.internal.observe.Observers;
import io.jrq.internal.redis.Dependencies;
import io.jrq.internal.redis.Partitions;
import io.jrq.internal.redis.PubSub;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.ScriptGateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Launches and stops one worker: the fetch loop, a waiter per queue, the job slots, the heartbeat,
 * the reaper, the deferred-job check, the recurring-job ticker, and the graceful shutdown that ties
 * them together.
 */
public final class WorkerRuntime implements WorkerHandle {
    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
    /** Deferred jobs are re-checked every this many reap intervals (30 s by default). */
    private static final int DEFERRED_CHECK_REAPS = 6;
    /** How long close waits for a timer task in progress before interrupting it. */
    private static final long TIMER_DRAIN_MS = 2000;
    /** How often a worker looks for new partitions of its queues. */
    static final long PARTITION_WATCH_MS = 3000;

    private final WorkerConfig config;
    private final JrqOptions options;
    private final Keys keys;
    private final ScriptGateway scripts;
    private final Invoker invoker;
    private final ExecutorService jobs;
    private final Slots slots;
    private final Fetcher fetcher;
    private final List<QueueWaiter> waiters = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Redis redis;
    private final IdleSignal idle;
    private final Set<String> blocked;
    private final Partitions partitions;
    private final ScheduledExecutorService timers;
    private final LeaseKeeper leaseKeeper;
    private final BiConsumer<LeasedJob, Progress> progress;
    private final java.util.function.Function<JobRef, String> resultReader;
    private final PubSub commands;
    private final Thread fetchThread;
    private final Thread signalHook;
    private final Observers observers;
    private volatile boolean running = true;
    private volatile boolean stopping;
    private boolean closed;

    private WorkerRuntime(
            WorkerConfig config,
            JrqOptions options,
            Redis redis,
            Keys keys,
            ScriptGateway scripts,
            Dependencies dependencies,
            Observers observers) {
        this.config = config;
        this.observers = observers;
        this.options = options;
        this.keys = keys;
        this.scripts = scripts;
        this.invoker = config.invoker(false);
        this.jobs = jobExecutor(config);
        this.redis = redis;
        Semaphore wake = new Semaphore(0);
        IdleSignal idle = new IdleSignal();
        this.idle = idle;
        Fetcher[] fetcherRef = new Fetcher[1];
        this.slots = new Slots(config.concurrency(), jobs, this::runJob, c -> fetcherRef[0].completed(c));
        Set<String> blocked = ConcurrentHashMap.newKeySet();
        this.blocked = blocked;
        this.fetcher = new Fetcher(config, options, scripts, slots, idle, wake, blocked, dependencies);
        fetcherRef[0] = fetcher;
        this.leaseKeeper = new LeaseKeeper(config, redis, keys, scripts, slots, options.clock(), this::stop);
        this.progress = (job, p) -> writeProgress(redis, job, p);
        this.resultReader = ref -> redis.await(redis.commands().hget(keys.job(ref.queue(), ref.id()), "result"));
        this.commands = redis.openPubSub((channel, message) -> onCommand(message));
        // Two threads, so that a slow reap or a timeout never delays the heartbeat that renews leases.
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, named("jrq-worker-timer", true));
        // Timeouts of jobs that ended in time are cancelled; drop them at once rather than at their deadline.
        pool.setRemoveOnCancelPolicy(true);
        // After close the jobs are gone: their pending timeouts must not hold up the shutdown.
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timers = pool;
        this.partitions = new Partitions(redis, keys, scripts);
        for (String queue : config.queues()) {
            config.served().update(queue, partitions.read(queue).names());
        }
        // One queue: the fetch can wait in Redis behind the BLMOVE (see QueueWaiter). Not for a
        // burst worker, whose loop must see the queue empty at once to end.
        boolean fetchBehind = config.served().all().size() == 1 && !config.burst();
        for (String queue : config.served().all()) {
            startWaiter(queue, fetchBehind);
        }
        this.fetchThread = named("jrq-fetch", false).newThread(this::fetchLoop);
        this.signalHook = config.handleSignals() ? new Thread(this::close, "jrq-worker-sigterm") : null;
    }

    private void startWaiter(String queue, boolean fetchBehind) {
        QueueWaiter w = new QueueWaiter(
                queue,
                keys.ready(queue),
                redis.openBlocking(),
                idle,
                fetcher.idleLeaser(),
                blocked,
                fetchBehind,
                options.commandTimeout().toMillis(),
                redis);
        waiters.add(w);
        named("jrq-wait-" + queue, true).newThread(w).start();
    }

    /**
     * Serves the partitions its queues gained since it last looked. A worker that waited on one
     * queue with the fetch behind its wait cannot go on doing so beside other waits (see
     * QueueWaiter): that waiter is replaced by a plain one first.
     */
    private void watchPartitions() {
        if (stopping) {
            return;
        }
        for (String queue : config.queues()) {
            List<String> added;
            try {
                added = config.served().update(queue, partitions.read(queue).names());
            } catch (RuntimeException e) {
                log.debug("worker {}: could not read the partitions of {}: {}", config.name(), queue, e.toString());
                continue;
            }
            if (added.isEmpty()) {
                continue;
            }
            synchronized (waiters) {
                if (stopping) {
                    return;
                }
                if (waiters.size() == 1 && waiters.get(0).fetchesBehind()) {
                    QueueWaiter single = waiters.remove(0);
                    single.stop();
                    startWaiter(single.queue(), false);
                }
                for (String partition : added) {
                    startWaiter(partition, false);
                }
            }
            log.info("worker {}: now serving {} of {} too", config.name(), added, queue);
        }
    }

    /**
     * Starts a worker.
     * /**
     * Starts a worker.
     *
     * @param config its settings
     * @param options the client's options
     * @param redis the client's connection
     * @param keys key builder
     * @param scripts the scripts
     * @param dependencies releases the dependents of jobs that end
     * @param observers the client's metrics and tracing
     * @return the running worker
     */
    public static WorkerRuntime start(
            WorkerConfig config,
            JrqOptions options,
            Redis redis,
            Keys keys,
            ScriptGateway scripts,
            Dependencies dependencies,
            Observers observers) {
        if (FaultPoints.ENABLED) {
            log.warn(
                    "worker {}: test fault points armed ({}={}): this JVM may halt on purpose",
                    config.name(),
                    FaultPoints.PROPERTY,
                    System.getProperty(FaultPoints.PROPERTY));
        }
        WorkerRuntime w = new WorkerRuntime(config, options, redis, keys, scripts, dependencies, observers);
        w.listenForCommands(redis);
        w.leaseKeeper.run();
        long hb = config.heartbeat().toMillis();
        w.timers.scheduleWithFixedDelay(w.leaseKeeper, hb, hb, TimeUnit.MILLISECONDS);
        long reap = config.reapInterval().toMillis();
        w.timers.scheduleWithFixedDelay(
                new Reaper(config, options, scripts, dependencies, observers), 0, reap, TimeUnit.MILLISECONDS);
        // Stranded dependents are rare (a process died between ending a job and releasing its
        // dependents, or a dependency was deleted): a slow sweep is enough.
        long deferredCheck = DEFERRED_CHECK_REAPS * reap;
        w.timers.scheduleWithFixedDelay(
                new DeferredChecker(config, redis, keys, dependencies, deferredCheck),
                deferredCheck,
                deferredCheck,
                TimeUnit.MILLISECONDS);
        w.timers.scheduleWithFixedDelay(
                w::watchPartitions, PARTITION_WATCH_MS, PARTITION_WATCH_MS, TimeUnit.MILLISECONDS);
        w.timers.scheduleWithFixedDelay(
                new RecurringTicker(config.name(), config.queues(), scripts),
                0,
                RecurringTicker.PERIOD_MS,
                TimeUnit.MILLISECONDS);
        // On a cluster a subscription lives on one node and PUBSUB NUMSUB counts only that node's.
        if (config.quickRecovery() && !redis.endpoint().isCluster()) {
            w.timers.scheduleWithFixedDelay(
                    new LivenessCheck(config, options, redis, keys, scripts, dependencies, observers),
                    LivenessCheck.PERIOD_MS,
                    LivenessCheck.PERIOD_MS,
                    TimeUnit.MILLISECONDS);
        }
        if (w.signalHook != null) {
            Runtime.getRuntime().addShutdownHook(w.signalHook);
        }
        observers.workerStarted(config.name(), config.concurrency(), w.slots::running);
        w.fetchThread.start();
        log.info(
                "worker {} started: queues {}, concurrency {}",
                config.name(),
                config.served().all(),
                config.concurrency());
        return w;
    }

    private void listenForCommands(Redis redis) {
        redis.await(commands.subscribe(keys.commands(config.name())));
    }

    private void onCommand(String message) {
        try {
            JsonNode cmd = Json.mapper().readTree(message);
            if ("stop".equals(cmd.path("cmd").asText())) {
                stop(cmd.path("queue").asText(), cmd.path("id").asText());
            }
        } catch (Exception e) {
            log.warn(
                    "worker {}: ignoring unreadable command {}",
                    config.name(),
                    io.jrq.internal.LogText.printable(message));
        }
    }

    private void writeProgress(Redis redis, LeasedJob job, Progress p) {
        if (job.isLeaseLost()) {
            return;
        }
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("percent", p.percent());
        o.put("message", p.message());
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("id", job.id());
        event.put("status", "STARTED");
        event.set("progress", o);
        // Fire and forget: progress is advisory and must never slow the job down or fail it.
        redis.commands().hset(keys.job(job.queue(), job.id()), "progress", o.toString());
        redis.commands().publish(keys.events(job.queue()), event.toString());
    }

    private void fetchLoop() {
        fetcher.run();
        if (fetcher.drained()) {
            log.info("worker {}: queues empty, burst done", config.name());
            new Thread(this::close, "jrq-burst-close").start();
        }
    }

    private Completion runJob(LeasedJob job) {
        if (job.isSuspect() && !markStart(job)) {
            log.warn(
                    "worker {}: job {} in {} was taken over before it started; not running it",
                    config.name(),
                    job.id(),
                    job.queue());
            return null;
        }
        job.progressSink(progress);
        job.resultReader(resultReader);
        Outcome outcome;
        // the application's own log lines inside the job name it
        MDC.put(JobContext.MDC_JOB, job.id());
        MDC.put(JobContext.MDC_QUEUE, job.queue());
        MDC.put(JobContext.MDC_ATTEMPT, Integer.toString(job.attempt()));
        Attempt.Scope[] scope = {Attempt.Scope.NOOP};
        try {
            outcome = invoker.run(job, () -> {
                job.runStarts();
                watchTimeout(job);
                if (!observers.isEmpty()) {
                    job.observed(observers.started(
                            job, config.name(), job.waitNanos(), job.envelope().trace()));
                    scope[0] = job.observed().enter();
                }
            });
        } finally {
            scope[0].close();
            MDC.remove(JobContext.MDC_JOB);
            MDC.remove(JobContext.MDC_QUEUE);
            MDC.remove(JobContext.MDC_ATTEMPT);
        }
        if (!observers.isEmpty() && job.observed() == Attempt.NONE && job.envelope() == null) {
            // the payload could not be read: the job never started, but its failure still counts
            job.observed(observers.started(job, config.name(), job.waitNanos(), java.util.Map.of()));
        }
        if (!job.settle()) {
            return null; // a timeout or a stop already recorded this attempt
        }
        if (job.isLeaseLost()) {
            observe(job, AttemptEnd.LOST, null);
            log.warn("worker {}: job {} ended after its lease was lost; outcome dropped", config.name(), job.id());
            return null;
        }
        observe(job, null, outcome);
        invoker.callback(job, outcome);
        return completion(job, outcome);
    }

    /**
     * Tells the attempt's observers how it ended: as {@code end} when given, else as the outcome says.
     */
    private static void observe(LeasedJob job, AttemptEnd end, Outcome outcome) {
        observe(job, end, outcome, false);
    }

    private static void observe(LeasedJob job, AttemptEnd end, Outcome outcome, boolean timedOut) {
        Attempt attempt = job.observed();
        if (attempt == Attempt.NONE) {
            return;
        }
        AttemptEnd how = end != null
                ? end
                : switch (outcome.kind()) {
                    case FINISHED -> AttemptEnd.FINISHED;
                    case FAILED -> AttemptEnd.FAILED;
                    case RETRY -> AttemptEnd.RETRIED;
                    case STOPPED -> AttemptEnd.STOPPED;
                };
        io.jrq.JobError error = outcome != null && !outcome.finished() ? Invoker.errorOf(outcome.data()) : null;
        attempt.ended(
                how,
                timedOut,
                error == null ? null : error.type(),
                error == null ? null : error.message(),
                job.runNanos());
    }

    /**
     * Records that a job which lost a lease before starts now (start.lua), so that losing this
     * lease too counts towards giving up on it.
     *
     * @return false when the lease is no longer this worker's
     */
    private boolean markStart(LeasedJob job) {
        try {
            if (!scripts.start(job.queue(), job)) {
                job.markLeaseLost();
                return false;
            }
        } catch (RuntimeException e) {
            // Running unmarked only makes a lost lease of this run not count: better than not running.
            log.warn(
                    "worker {}: could not mark the start of job {} in {}: {}",
                    config.name(),
                    job.id(),
                    job.queue(),
                    e.toString());
        }
        return true;
    }

    private Completion completion(LeasedJob job, Outcome outcome) {
        long ttl = outcome.finished()
                ? job.resultTtlSeconds(options.resultTtl().toSeconds())
                : outcome.kind() == Outcome.Kind.STOPPED
                        ? options.resultTtl().toSeconds()
                        : options.failureTtl().toSeconds();
        return new Completion(job, outcome, ttl);
    }

    private void watchTimeout(LeasedJob job) {
        long timeout = job.timeoutMs(config.defaultTimeoutMs());
        if (timeout > 0) {
            job.timeoutTask(timers.schedule(
                    () -> end(job, invoker.timedOut(job, timeout), true, "timed out after " + timeout + " ms"),
                    timeout,
                    TimeUnit.MILLISECONDS));
        }
    }

    /**
     * Records an outcome for a job that is still running (timeout, stop) and interrupts it. Its lease
     * is dropped, so it is no longer renewed and a late completion is not recorded; whatever the code
     * does after the interrupt cannot change the outcome.
     */
    private void end(LeasedJob job, Outcome outcome, boolean timedOut, String why) {
        if (!job.settle()) {
            return;
        }
        observe(job, null, outcome, timedOut);
        log.info("worker {}: job {} in {} {}", config.name(), job.id(), job.queue(), why);
        job.requestStop();
        invoker.callback(job, outcome);
        fetcher.completed(completion(job, outcome));
        job.markLeaseLost();
        job.interruptThread();
    }

    /**
     * Stops a job this worker runs, on request (pub/sub command or a flag seen by the heartbeat). Runs
     * on a timer thread, never on the caller's: the pub/sub thread must not run job callbacks.
     */
    void stop(String queue, String id) {
        for (LeasedJob job : slots.jobs()) {
            if (job.queue().equals(queue) && job.id().equals(id)) {
                try {
                    timers.execute(() -> end(job, Invoker.stopped(job), false, "stopped on request"));
                } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                    // the worker is closing: the job is given back or recorded by the shutdown
                }
            }
        }
    }

    private static ExecutorService jobExecutor(WorkerConfig config) {
        if (config.virtualThreads()) {
            try {
                return (ExecutorService) Executors.class
                        .getMethod("newVirtualThreadPerTaskExecutor")
                        .invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("virtual threads are not available on this JVM", e);
            }
        }
        return Executors.newFixedThreadPool(config.concurrency(), named("jrq-job", true));
    }

    private static ThreadFactory named(String prefix, boolean daemon) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(daemon);
            return t;
        };
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int runningCount() {
        return slots.running();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (signalHook != null && Thread.currentThread() != signalHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(signalHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or about to; nothing to remove
            }
        }
        Set<LeasedJob> exiting = Thread.currentThread() == signalHook ? failExitingJobs() : Set.of();
        log.info(
                "worker {} shutting down: {} job(s) running, grace {}",
                config.name(),
                slots.running() - exiting.size(),
                config.shutdownGrace());
        fetcher.stopFetching();
        synchronized (waiters) {
            // A partition found at this moment gets no waiter: watchPartitions checks this under the lock.
            stopping = true;
            waiters.forEach(QueueWaiter::stop);
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        // Jobs leased by a fetch still in flight must be known before the grace period is judged.
        fetcher.awaitNoLeaseInFlight(
                Math.max(deadline, System.nanoTime() + options.commandTimeout().toNanos()));
        // A job that called System.exit never returns: its slot stays taken, nothing to wait for.
        while (slots.running() > exiting.size() && System.nanoTime() < deadline) {
            sleep(20);
        }
        giveBackUnfinished(exiting);
        fetcher.stop();
        join(fetchThread, 5000);
        try {
            commands.close();
        } catch (RuntimeException e) {
            log.debug("closing the command subscription failed", e);
        }
        // A heartbeat, reap or tick already talking to Redis finishes its call (an interrupt would
        // make it log a failure that is none); only one that hangs is interrupted.
        timers.shutdown();
        try {
            timers.awaitTermination(TIMER_DRAIN_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
        jobs.shutdownNow();
        leaseKeeper.unregister();
        observers.workerStopped(config.name());
        running = false;
        log.info("worker {} stopped", config.name());
    }

    /**
     * At JVM shutdown: the jobs whose own code called {@code System.exit} are recorded FAILED
     * ({@link io.jrq.JvmExitException}), never given back. Their thread runs the shutdown, so it is
     * seen in {@code Shutdown.exit}. Given back, such a job would end each worker taking it, for ever.
     *
     * @return those jobs
     */
    private Set<LeasedJob> failExitingJobs() {
        Set<LeasedJob> exiting = new java.util.HashSet<>();
        for (LeasedJob job : slots.jobs()) {
            Thread t = job.runningThread();
            StackTraceElement[] stack = t == null ? new StackTraceElement[0] : t.getStackTrace();
            if (callsExit(stack) && job.settle()) {
                exiting.add(job);
                Outcome outcome = Invoker.exited(job, stack);
                observe(job, null, outcome);
                log.warn(
                        "worker {}: job {} in {} called System.exit; recording it FAILED, not retried",
                        config.name(),
                        job.id(),
                        job.queue());
                invoker.callback(job, outcome);
                fetcher.completed(completion(job, outcome));
                // No interrupt: that thread is the one running the JVM's shutdown hooks.
                job.markLeaseLost();
            }
        }
        return exiting;
    }

    private static boolean callsExit(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if ("exit".equals(e.getMethodName())
                    && ("java.lang.Shutdown".equals(e.getClassName())
                            || "java.lang.Runtime".equals(e.getClassName()))) {
                return true;
            }
        }
        return false;
    }

    /** Jobs still running after the grace period go back to the front of their queues (not those that called exit). */
    private void giveBackUnfinished(Set<LeasedJob> exiting) {
        slots.close();
        Map<String, List<LeasedJob>> byQueue = new HashMap<>();
        for (LeasedJob job : slots.jobs()) {
            if (exiting.contains(job)) {
                continue;
            }
            job.markLeaseLost();
            job.interruptThread();
            byQueue.computeIfAbsent(job.queue(), q -> new ArrayList<>()).add(job);
        }
        for (Map.Entry<String, List<LeasedJob>> e : byQueue.entrySet()) {
            String queue = e.getKey();
            try {
                long n = scripts.requeue(queue, e.getValue());
                log.info("worker {}: gave {} unfinished job(s) back to {}", config.name(), n, queue);
            } catch (RuntimeException ex) {
                log.warn(
                        "worker {}: could not give unfinished jobs back to {} ({}); they return when their leases expire",
                        config.name(),
                        queue,
                        ex.toString());
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t, long ms) {
        try {
            t.join(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
