package io.jrq;

import java.time.Instant;
import java.util.List;

/**
 * A live worker as registered in Redis (entries of dead workers expire by themselves).
 *
 * @param name its name
 * @param host the host it runs on
 * @param pid its process id
 * @param queues the queues it serves, in order
 * @param concurrency how many jobs it runs at once
 * @param startedAt when it started (its own clock)
 * @param heartbeatAt its last heartbeat (its own clock)
 * @param jobs the jobs it runs now, as {@code queue/id}
 */
public record WorkerInfo(
        String name,
        String host,
        long pid,
        List<String> queues,
        int concurrency,
        Instant startedAt,
        Instant heartbeatAt,
        List<String> jobs) {}
