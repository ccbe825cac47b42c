package io.jrq.internal.worker;

import io.jrq.JrqOptions;
import io.jrq.internal.Keys;
import io.jrq.internal.client.WorkerHandle;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.Script;
import io.jrq.internal.redis.Scripts;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launches and stops one worker: the fetch loop, a waiter per queue, the job slots, the heartbeat
 * and the reaper, and the graceful shutdown that ties them together.
 */
public final class WorkerRuntime implements WorkerHandle {
    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);

    private final WorkerConfig config;
    private final JrqOptions options;
    private final Keys keys;
    private final Scripts scripts;
    private final Invoker invoker;
    private final ExecutorService jobs;
    private final Slots slots;
    private final Fetcher fetcher;
    private final List<QueueWaiter> waiters = new ArrayList<>();
    private final ScheduledExecutorService timers;
    private final LeaseKeeper leaseKeeper;
    private final Thread fetchThread;
    private final Thread signalHook;
    private volatile boolean running = true;
    private boolean closed;

    private WorkerRuntime(WorkerConfig config, JrqOptions options, Redis redis, Keys keys, Scripts scripts) {
        this.config = config;
        this.options = options;
        this.keys = keys;
        this.scripts = scripts;
        this.invoker = config.invoker(false);
        this.jobs = jobExecutor(config);
        Semaphore wake = new Semaphore(0);
        IdleSignal idle = new IdleSignal();
        Fetcher[] fetcherRef = new Fetcher[1];
        this.slots = new Slots(config.concurrency(), jobs, this::runJob, c -> fetcherRef[0].completed(c));
        this.fetcher = new Fetcher(config, options, keys, scripts, slots, idle, wake);
        fetcherRef[0] = fetcher;
        this.leaseKeeper = new LeaseKeeper(config, redis, keys, scripts, slots, options.clock());
        this.timers = Executors.newScheduledThreadPool(1, named("jrq-worker-timer", true));
        for (String queue : config.queues()) {
            QueueWaiter w = new QueueWaiter(keys.ready(queue), redis.openBlocking(), idle, wake);
            waiters.add(w);
            named("jrq-wait-" + queue, true).newThread(w).start();
        }
        this.fetchThread = named("jrq-fetch", false).newThread(this::fetchLoop);
        this.signalHook = config.handleSignals() ? new Thread(this::close, "jrq-worker-sigterm") : null;
    }

    /**
     * Starts a worker.
     *
     * @param config its settings
     * @param options the client's options
     * @param redis the client's connection
     * @param keys key builder
     * @param scripts script runner
     * @return the running worker
     */
    public static WorkerRuntime start(WorkerConfig config, JrqOptions options, Redis redis, Keys keys, Scripts scripts) {
        WorkerRuntime w = new WorkerRuntime(config, options, redis, keys, scripts);
        w.leaseKeeper.run();
        long hb = config.heartbeat().toMillis();
        w.timers.scheduleWithFixedDelay(w.leaseKeeper, hb, hb, TimeUnit.MILLISECONDS);
        long reap = config.reapInterval().toMillis();
        w.timers.scheduleWithFixedDelay(new Reaper(config, options, keys, scripts), 0, reap, TimeUnit.MILLISECONDS);
        if (w.signalHook != null) {
            Runtime.getRuntime().addShutdownHook(w.signalHook);
        }
        w.fetchThread.start();
        log.info("worker {} started: queues {}, concurrency {}", config.name(), config.queues(), config.concurrency());
        return w;
    }

    private void fetchLoop() {
        fetcher.run();
        if (fetcher.drained()) {
            log.info("worker {}: queues empty, burst done", config.name());
            new Thread(this::close, "jrq-burst-close").start();
        }
    }

    private Completion runJob(LeasedJob job) {
        Outcome outcome = invoker.run(job);
        if (job.isLeaseLost()) {
            log.warn("worker {}: job {} ended after its lease was lost; outcome dropped", config.name(), job.id());
            return null;
        }
        long ttl = outcome.finished() ? job.resultTtlSeconds(options.resultTtl().getSeconds()) : options.failureTtl().getSeconds();
        return new Completion(job, outcome, ttl);
    }

    private static ExecutorService jobExecutor(WorkerConfig config) {
        if (config.virtualThreads()) {
            try {
                return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
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
        log.info("worker {} shutting down: {} job(s) running, grace {}", config.name(), slots.running(), config.shutdownGrace());
        fetcher.stopFetching();
        waiters.forEach(QueueWaiter::stop);
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (slots.running() > 0 && System.nanoTime() < deadline) {
            sleep(20);
        }
        giveBackUnfinished();
        fetcher.stop();
        join(fetchThread, 5000);
        timers.shutdownNow();
        jobs.shutdownNow();
        leaseKeeper.unregister();
        running = false;
        log.info("worker {} stopped", config.name());
    }

    /** Jobs still running after the grace period go back to the front of their queues. */
    private void giveBackUnfinished() {
        Map<String, List<LeasedJob>> byQueue = new HashMap<>();
        for (LeasedJob job : slots.jobs()) {
            job.markLeaseLost();
            Thread t = job.thread();
            if (t != null) {
                t.interrupt();
            }
            byQueue.computeIfAbsent(job.queue(), q -> new ArrayList<>()).add(job);
        }
        for (Map.Entry<String, List<LeasedJob>> e : byQueue.entrySet()) {
            String queue = e.getKey();
            List<String> args = new ArrayList<>();
            for (LeasedJob job : e.getValue()) {
                args.add(job.id());
                args.add(job.token());
            }
            try {
                Long n = scripts.call(Script.REQUEUE, ScriptOutputType.INTEGER,
                        new String[] {keys.active(queue), keys.ready(queue), keys.jobPrefix(queue)}, args.toArray(String[]::new));
                log.info("worker {}: gave {} unfinished job(s) back to {}", config.name(), n, queue);
            } catch (RuntimeException ex) {
                log.warn("worker {}: could not give unfinished jobs back to {} ({}); they return when their leases expire",
                        config.name(), queue, ex.getMessage());
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
