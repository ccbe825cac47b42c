package io.jrq.internal.worker;

import io.jrq.JrqOptions;
import io.jrq.internal.observe.Observers;
import io.jrq.internal.redis.Dependencies;
import io.jrq.internal.redis.ScriptGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Returns the jobs of dead or stalled workers to their queues: every worker runs it for its own
 * queues, and {@code reap.lua} makes concurrent runs safe.
 */
final class Reaper implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Reaper.class);
    private static final int LIMIT = 1000;

    private final WorkerConfig config;
    private final JrqOptions options;
    private final ScriptGateway scripts;

    private final Dependencies dependencies;
    private final Observers observers;

    Reaper(
            WorkerConfig config,
            JrqOptions options,
            ScriptGateway scripts,
            Dependencies dependencies,
            Observers observers) {
        this.dependencies = dependencies;
        this.observers = observers;
        this.config = config;
        this.options = options;
        this.scripts = scripts;
    }

    @Override
    public void run() {
        for (String queue : config.served().all()) {
            try {
                ScriptGateway.ReapReply r = scripts.reap(
                        queue,
                        config.maxRecoveries(),
                        LIMIT,
                        options.failedJobsMax(),
                        options.failureTtl().toSeconds());
                long requeued = r.requeued();
                long failed = r.failed();
                dependencies.release(r.released());
                observers.leasesExpired(queue, requeued + failed);
                if (requeued > 0 || failed > 0) {
                    log.info(
                            "worker {}: recovered {} job(s) with expired leases in {} ({} failed after too many recoveries)",
                            config.name(),
                            requeued + failed,
                            queue,
                            failed);
                }
            } catch (RuntimeException e) {
                log.warn("worker {}: reaping {} failed: {}", config.name(), queue, e.toString());
            }
        }
    }
}
