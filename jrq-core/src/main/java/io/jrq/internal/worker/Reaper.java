package io.jrq.internal.worker;

import io.jrq.JrqOptions;
import io.jrq.internal.Keys;
import io.jrq.internal.client.Dependencies;
import io.jrq.internal.observe.Observers;
import io.jrq.internal.redis.Script;
import io.jrq.internal.redis.Scripts;
import io.lettuce.core.ScriptOutputType;
import java.util.List;
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
    private final Keys keys;
    private final Scripts scripts;

    private final Dependencies dependencies;
    private final Observers observers;

    Reaper(WorkerConfig config, JrqOptions options, Keys keys, Scripts scripts, Dependencies dependencies, Observers observers) {
        this.dependencies = dependencies;
        this.observers = observers;
        this.config = config;
        this.options = options;
        this.keys = keys;
        this.scripts = scripts;
    }

    @Override
    public void run() {
        for (String queue : config.queues()) {
            try {
                List<Object> r = scripts.call(Script.REAP, ScriptOutputType.MULTI,
                        new String[] {keys.active(queue), keys.ready(queue), keys.jobPrefix(queue), keys.failed(queue),
                            keys.dependentsPrefix(queue), keys.finished(queue), keys.canceled(queue), keys.stats(queue)},
                        Integer.toString(config.maxRecoveries()), Integer.toString(LIMIT), keys.events(queue),
                        Integer.toString(options.failedJobsMax()), Long.toString(options.failureTtl().getSeconds()));
                long requeued = (Long) r.get(0);
                long failed = (Long) r.get(1);
                @SuppressWarnings("unchecked")
                List<Object> released = (List<Object>) r.get(2);
                dependencies.release(Dependencies.parse(queue, released));
                observers.leasesExpired(queue, requeued + failed);
                if (requeued > 0 || failed > 0) {
                    log.info("worker {}: recovered {} job(s) with expired leases in {} ({} failed after too many recoveries)",
                            config.name(), requeued + failed, queue, failed);
                }
            } catch (RuntimeException e) {
                log.warn("worker {}: reaping {} failed: {}", config.name(), queue, e.toString());
            }
        }
    }
}
