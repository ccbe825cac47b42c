package io.jrq.spring.internal;

import io.jrq.InstanceResolver;
import io.jrq.Jrq;
import io.jrq.RetryPolicy;
import io.jrq.Worker;
import io.jrq.spring.JrqProperties;
import io.jrq.spring.JrqWorkerCustomizer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Runs this application's jrq worker as part of the application context's lifecycle. It starts once
 * every bean is ready (so {@code @JrqHandler} beans and the beans jobs run on exist), and stops in
 * {@link #stop(Runnable)} without blocking Spring's shutdown thread: the worker stops fetching, lets
 * running jobs finish within its grace period, then gives the unfinished ones back to their queue
 * (see {@link Worker#close()}). The grace period is capped below
 * {@code spring.lifecycle.timeout-per-shutdown-phase}, so that the give-back happens before Spring
 * stops waiting and closes the client. Spring owns the JVM's shutdown, so the worker's own SIGTERM
 * hook is off.
 */
public final class WorkerLifecycle implements SmartLifecycle, DisposableBean {
    /**
     * The phase of the worker: the one in which the web server drains its requests, so that both
     * drain in parallel within one shutdown-phase timeout.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    private static final Logger log = LoggerFactory.getLogger(WorkerLifecycle.class);

    private final Jrq jrq;
    private final JrqProperties.Worker properties;
    private final InstanceResolver resolver;
    private final AnnotatedMethods methods;
    private final List<JrqWorkerCustomizer> customizers;
    private final Duration grace;
    private final ClassLoader classLoader;
    private Worker worker;
    private Thread stopping;

    /**
     * @param jrq the client
     * @param properties {@code jrq.worker.*}
     * @param resolver provides the beans instance-method jobs run on
     * @param methods the {@code @JrqHandler} methods
     * @param customizers run last, in order
     * @param phaseTimeout Spring's {@code spring.lifecycle.timeout-per-shutdown-phase}
     * @param classLoader loads the job classes (the application's)
     */
    public WorkerLifecycle(
            Jrq jrq,
            JrqProperties.Worker properties,
            InstanceResolver resolver,
            AnnotatedMethods methods,
            List<JrqWorkerCustomizer> customizers,
            Duration phaseTimeout,
            ClassLoader classLoader) {
        this.jrq = jrq;
        this.properties = properties;
        this.resolver = resolver;
        this.methods = methods;
        this.customizers = customizers;
        this.grace = grace(properties.getShutdownGrace(), phaseTimeout);
        this.classLoader = classLoader;
    }

    /**
     * @param configured {@code jrq.worker.shutdown-grace}
     * @param phaseTimeout Spring's shutdown-phase timeout
     * @return the grace the worker gets: the configured one, at most the phase timeout less a margin
     *     for giving the unfinished jobs back (a fifth of it, at most 2 s)
     */
    static Duration grace(Duration configured, Duration phaseTimeout) {
        Duration margin = phaseTimeout.dividedBy(5);
        if (margin.compareTo(Duration.ofSeconds(2)) > 0) {
            margin = Duration.ofSeconds(2);
        }
        Duration cap = phaseTimeout.minus(margin);
        return configured != null && configured.compareTo(cap) < 0 ? configured : cap;
    }

    /** @return the grace period the worker was given */
    public Duration shutdownGrace() {
        return grace;
    }

    /** @return the running worker, empty before start and after stop */
    public synchronized Optional<Worker> worker() {
        return Optional.ofNullable(worker).filter(Worker::isRunning);
    }

    @Override
    public synchronized void start() {
        if (worker != null) {
            return;
        }
        Worker.Builder b = builder();
        try {
            worker = b.start();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid jrq.worker.* settings: " + e.getMessage(), e);
        }
        log.info(
                "jrq worker {} started on {} (concurrency {}, {} handler(s), shutdown grace {})",
                worker.name(),
                worker.queues(),
                properties.getConcurrency(),
                methods.handlers().size(),
                grace);
    }

    private Worker.Builder builder() {
        JrqProperties.Worker p = properties;
        Worker.Builder[] holder = new Worker.Builder[1];
        Properties.set(
                "jrq.worker.queues",
                p.getQueues(),
                () -> holder[0] = jrq.worker(p.getQueues().toArray(String[]::new)));
        Worker.Builder b = holder[0];
        if (p.getName() != null) {
            Properties.set("jrq.worker.name", p.getName(), () -> b.name(p.getName()));
        }
        Properties.set("jrq.worker.concurrency", p.getConcurrency(), () -> b.concurrency(p.getConcurrency()));
        Properties.set(
                "jrq.worker.virtual-threads", p.isVirtualThreads(), () -> b.virtualThreads(p.isVirtualThreads()));
        Properties.set(
                "jrq.worker.allowed-packages",
                p.getAllowedPackages(),
                () -> b.allowPackages(p.getAllowedPackages().toArray(String[]::new)));
        Properties.set("jrq.worker.lease", p.getLease(), () -> b.leaseDuration(p.getLease()));
        if (p.getHeartbeat() != null) {
            Properties.set("jrq.worker.heartbeat", p.getHeartbeat(), () -> b.heartbeatInterval(p.getHeartbeat()));
        }
        Properties.set("jrq.worker.reap-interval", p.getReapInterval(), () -> b.reapInterval(p.getReapInterval()));
        Properties.set("jrq.worker.max-recoveries", p.getMaxRecoveries(), () -> b.maxRecoveries(p.getMaxRecoveries()));
        if (p.getJobTimeout() != null) {
            Properties.set("jrq.worker.job-timeout", p.getJobTimeout(), () -> b.jobTimeout(p.getJobTimeout()));
        }
        Properties.set("jrq.worker.shutdown-grace", grace, () -> b.shutdownGrace(grace));
        Properties.set(
                "jrq.worker.retry.*", p.getRetry().getMaxAttempts() + " attempts", () -> b.retry(retry(p.getRetry())));
        b.allowEvictingRedis(p.isAllowEvictingRedis())
                .quickRecovery(p.isQuickRecovery())
                .handleSignals(false)
                .instanceResolver(resolver)
                .classLoader(classLoader);
        methods.handlers().forEach(b::handler);
        customizers.forEach(c -> c.customize(b));
        return b;
    }

    private static RetryPolicy retry(JrqProperties.Retry r) {
        if (r.getMaxAttempts() == 1) {
            return RetryPolicy.none();
        }
        return switch (r.getBackoff()) {
            case FIXED -> RetryPolicy.fixed(r.getMaxAttempts(), r.getDelay());
            case EXPONENTIAL ->
                RetryPolicy.exponential(r.getMaxAttempts(), r.getDelay(), r.getMaxDelay(), r.getJitter());
        };
    }

    @Override
    public void stop(Runnable callback) {
        Worker w;
        synchronized (this) {
            w = worker;
            if (w == null || stopping != null) {
                callback.run();
                return;
            }
            stopping = new Thread(
                    () -> {
                        try {
                            w.close();
                        } catch (RuntimeException e) {
                            log.warn("jrq worker {} did not stop cleanly", w.name(), e);
                        } finally {
                            callback.run();
                        }
                    },
                    "jrq-worker-stop");
            stopping.start();
        }
    }

    @Override
    public void stop() {
        Worker w;
        synchronized (this) {
            w = worker;
        }
        if (w != null) {
            w.close();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return worker != null && worker.isRunning() && stopping == null;
    }

    @Override
    public boolean isAutoStartup() {
        return true;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Waits for a stop still under way, or stops a worker that was never stopped (a context whose
     * start failed later on), before the client it uses is closed.
     */
    @Override
    public void destroy() throws InterruptedException {
        Thread t;
        Worker w;
        synchronized (this) {
            t = stopping;
            w = worker;
        }
        if (t != null) {
            t.join(grace.plusSeconds(10).toMillis());
        } else if (w != null) {
            w.close();
        }
    }
}
