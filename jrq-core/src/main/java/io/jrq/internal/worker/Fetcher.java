package io.jrq.internal.worker;

import io.jrq.JrqOptions;
import io.jrq.internal.Keys;
import io.jrq.internal.client.Dependencies;
import io.jrq.internal.redis.Script;
import io.jrq.internal.redis.Scripts;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's fetch loop: one thread that acknowledges finished jobs and leases new ones with one
 * {@code fetch.lua} call per queue per round. While a call is in flight, more jobs finish, so under
 * load each call carries a batch of completions and fetches a batch of jobs: the cost per job falls
 * as the load rises. Queues are tried in priority order; a lower one is asked only for the slots a
 * higher one could not fill.
 */
final class Fetcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Fetcher.class);
    /** The most jobs leased by one call; bounds the script's run time. */
    private static final int MAX_BATCH = 200;
    /** The longest an idle worker sleeps between fetch rounds; queue waiters wake it earlier. */
    private static final long IDLE_WAIT_MS = 1000;

    private final WorkerConfig config;
    private final JrqOptions options;
    private final Keys keys;
    private final Scripts scripts;
    private final Slots slots;
    private final IdleSignal idle;
    private final Semaphore wake;
    private final ConcurrentLinkedQueue<Completion> done = new ConcurrentLinkedQueue<>();
    private final Map<String, List<Completion>> unsent = new HashMap<>();
    private final Map<String, Long> warned = new HashMap<>();
    private final Set<String> blocked;
    private final Dependencies dependencies;
    private volatile boolean fetching = true;
    private volatile boolean stopped;
    private volatile boolean drained;
    /** The longest the loop may sleep before something scheduled falls due; set by each round. */
    private long nextWaitMs;

    /**
     * @param blocked queues that are paused or at a limit, shared with the queue waiters, which must
     *     not wait on them (their ready lists are not empty, so the wait would return at once)
     */
    Fetcher(WorkerConfig config, JrqOptions options, Keys keys, Scripts scripts, Slots slots, IdleSignal idle, Semaphore wake,
            Set<String> blocked, Dependencies dependencies) {
        this.blocked = blocked;
        this.dependencies = dependencies;
        this.config = config;
        this.options = options;
        this.keys = keys;
        this.scripts = scripts;
        this.slots = slots;
        this.idle = idle;
        this.wake = wake;
    }

    /** Queues an outcome for the next round and wakes the loop. */
    void completed(Completion c) {
        done.add(c);
        wake.release();
    }

    /** Stop leasing new jobs; keep acknowledging. */
    void stopFetching() {
        fetching = false;
        wake.release();
    }

    /** End the loop once every outcome has been sent. */
    void stop() {
        stopped = true;
        wake.release();
    }

    /** @return true when burst mode found nothing left to do */
    boolean drained() {
        return drained;
    }

    @Override
    public void run() {
        long backoff = 0;
        while (true) {
            for (Completion c; (c = done.poll()) != null; ) {
                unsent.computeIfAbsent(c.job().queue(), q -> new ArrayList<>()).add(c);
            }
            if (stopped && unsent.isEmpty() && done.isEmpty()) {
                return;
            }
            int leased;
            try {
                leased = round();
                backoff = 0;
            } catch (RuntimeException e) {
                backoff = backoff == 0 ? 100 : Math.min(backoff * 2, 2000);
                log.warn("worker {}: fetch failed, retrying in {} ms: {}", config.name(), backoff, e.toString());
                pause(backoff);
                continue;
            }
            if (leased > 0) {
                continue;
            }
            if (config.burst() && fetching && slots.running() == 0 && unsent.isEmpty() && done.isEmpty()) {
                drained = true;
                fetching = false;
                return;
            }
            if (fetching && slots.free() > 0) {
                idle.arm();
            }
            try {
                wake.tryAcquire(Math.max(1, nextWaitMs), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            idle.disarm();
        }
    }

    /** @return how many jobs were leased */
    private int round() {
        nextWaitMs = IDLE_WAIT_MS;
        int leased = 0;
        // Once a queue fills every slot asked for, lower queues only get their completions sent:
        // slots freed meanwhile belong to the higher queue in the next round (strict priority).
        boolean lowerMayFetch = fetching;
        for (String queue : config.queueOrder()) {
            List<Completion> acks = unsent.getOrDefault(queue, List.of());
            int want = lowerMayFetch ? Math.min(slots.free(), MAX_BATCH) : 0;
            if (acks.isEmpty() && want == 0) {
                continue;
            }
            List<LeasedJob> jobs = call(queue, acks, want);
            unsent.remove(queue);
            for (LeasedJob job : jobs) {
                slots.dispatch(job);
            }
            leased += jobs.size();
            if (want > 0 && jobs.size() >= want) {
                lowerMayFetch = false;
            }
        }
        return leased;
    }

    private List<LeasedJob> call(String queue, List<Completion> acks, int want) {
        String[] k = {keys.ready(queue), keys.active(queue), keys.jobPrefix(queue), keys.failed(queue), keys.scheduled(queue),
            keys.finished(queue), keys.canceled(queue), keys.paused(queue), keys.limits(queue), keys.rate(queue),
            keys.uniquePrefix(queue), keys.dependentsPrefix(queue)};
        String[] a = new String[7 + 6 * acks.size()];
        a[0] = config.name();
        a[1] = Long.toString(config.lease().toMillis());
        a[2] = Integer.toString(want);
        a[3] = keys.events(queue);
        a[4] = Integer.toString(options.failedJobsMax());
        a[5] = Integer.toString(options.finishedJobsMax());
        a[6] = Integer.toString(acks.size());
        int i = 7;
        for (Completion c : acks) {
            a[i++] = c.job().id();
            a[i++] = c.job().token();
            a[i++] = c.outcome().kind().name();
            a[i++] = c.outcome().data();
            a[i++] = Long.toString(c.ttlSeconds());
            a[i++] = Long.toString(c.outcome().delayMs());
        }
        if (FaultPoints.ENABLED) {
            FaultPoints.reach(FaultPoints.FETCH_BEFORE_SEND);
        }
        List<Object> reply = scripts.call(Script.FETCH, ScriptOutputType.MULTI, k, a);
        if (FaultPoints.ENABLED) {
            FaultPoints.reach(FaultPoints.FETCH_AFTER_REPLY);
        }
        @SuppressWarnings("unchecked")
        List<Object> accepted = (List<Object>) reply.get(0);
        for (int j = 0; j < acks.size(); j++) {
            if (!Long.valueOf(1).equals(accepted.get(j))) {
                log.warn("worker {}: outcome of job {} in {} not recorded: its lease had ended (the job was taken over, or had already ended)",
                        config.name(), acks.get(j).job().id(), queue);
            }
        }
        @SuppressWarnings("unchecked")
        List<Object> flat = (List<Object>) reply.get(1);
        List<LeasedJob> jobs = new ArrayList<>(flat.size() / 4);
        for (int j = 0; j + 3 < flat.size(); j += 4) {
            jobs.add(new LeasedJob(queue, (String) flat.get(j), (String) flat.get(j + 1), (String) flat.get(j + 2),
                    ((Long) flat.get(j + 3)).intValue()));
        }
        if ((Long) reply.get(3) == 1) {
            blocked.add(queue);
        } else {
            blocked.remove(queue);
        }
        @SuppressWarnings("unchecked")
        List<Object> released = (List<Object>) reply.get(4);
        if (!released.isEmpty()) {
            dependencies.release(Dependencies.parse(queue, released));
        }
        if (reply.size() > 5) {
            @SuppressWarnings("unchecked")
            List<Object> warnings = (List<Object>) reply.get(5);
            long now = System.nanoTime();
            for (Object w : warnings) {
                // Once a minute per problem: the record is met again by every round until someone fixes it.
                Long last = warned.get(w.toString());
                if (last == null || now - last > TimeUnit.MINUTES.toNanos(1)) {
                    warned.put(w.toString(), now);
                    log.warn("worker {}: queue {}: skipped a bad record: {}", config.name(), queue, w);
                }
            }
        }
        long wait = (Long) reply.get(2);
        if (wait >= 0 && wait < nextWaitMs) {
            nextWaitMs = wait;
        }
        return jobs;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
