package io.jrq.internal.worker;

import io.jrq.internal.redis.Dependencies;
import io.jrq.internal.redis.ScriptGateway.FetchReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@code fetch.lua} reply the same way for every party that leases (the fetch loop, an idle
 * fetch, a fetch behind a wait): the leased jobs, the outcomes not recorded, the queue's blocked
 * state, the dependents to release, the suspects, and the warnings about bad records. Thread-safe:
 * idle fetches read their replies on Redis I/O threads while the loop reads its own.
 */
final class FetchReplies {
    private static final Logger log = LoggerFactory.getLogger(Fetcher.class);

    private final WorkerConfig config;
    private final Set<String> blocked;
    private final Dependencies dependencies;
    /** Last warning time per bad-record warning. */
    private final Map<String, Long> warned = new ConcurrentHashMap<>();

    /**
     * @param blocked queues that are paused or at a limit, shared with the queue waiters; kept up to
     *     date from each reply
     */
    FetchReplies(WorkerConfig config, Set<String> blocked, Dependencies dependencies) {
        this.config = config;
        this.blocked = blocked;
        this.dependencies = dependencies;
    }

    /** What one fetch call returned: the jobs leased, and how long until something falls due (or -1). */
    record Reply(List<LeasedJob> jobs, long waitMs) {}

    /**
     * @param acks the outcomes the call carried, in order
     * @return the leased jobs, not yet dispatched, and the wait
     */
    Reply parse(String queue, List<Completion> acks, FetchReply reply) {
        for (int j = 0; j < acks.size(); j++) {
            if (!reply.accepted(j)) {
                log.warn(
                        "worker {}: outcome of job {} in {} not recorded: its lease had ended (the job was taken over, or had already ended)",
                        config.name(),
                        acks.get(j).job().id(),
                        queue);
            }
        }
        int n = reply.jobCount();
        List<LeasedJob> jobs = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            jobs.add(new LeasedJob(
                    queue, reply.id(j), reply.payload(j), reply.token(j), reply.attempt(j), reply.waitedMs(j)));
        }
        if (reply.blocked()) {
            blocked.add(queue);
        } else {
            blocked.remove(queue);
        }
        // Only completions release dependents; idle fetches (on an I/O thread, which must not block)
        // carry none, so this never runs there.
        if (!reply.released().isEmpty()) {
            dependencies.release(reply.released());
        }
        if (!reply.suspects().isEmpty()) {
            Set<String> ids = new java.util.HashSet<>(reply.suspects());
            jobs.forEach(j -> {
                if (ids.contains(j.id())) {
                    j.markSuspect();
                }
            });
        }
        if (!reply.warnings().isEmpty()) {
            long now = System.nanoTime();
            for (String w : reply.warnings()) {
                // Once a minute per problem: the record is met again by every round until someone fixes it.
                Long last = warned.get(w);
                if (last == null || now - last > TimeUnit.MINUTES.toNanos(1)) {
                    warned.put(w, now);
                    log.warn(
                            "worker {}: queue {}: skipped a bad record: {}",
                            config.name(),
                            queue,
                            io.jrq.internal.LogText.printable(w));
                }
            }
        }
        return new Reply(jobs, reply.waitMs());
    }
}
