package io.jrq.fault;

import io.jrq.internal.Keys;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored state of many jobs, read with one script call (a {@code HMGET} per job) rather than one
 * round trip per job, so that a test can check 10,000 jobs in a moment.
 */
final class JobStates {
    /**
     * One job's hash fields; absent fields are null.
     *
     * @param status the job's status, null when its hash is gone
     * @param attempts how many times it was leased, minus attempts given back
     * @param recoveries how many times the reaper returned it to the queue
     * @param endedAt when it ended (ms, the Redis clock), 0 while it has not
     */
    record State(String status, int attempts, int recoveries, long endedAt) {}

    /**
     * A queued job without a hash of its own is a field of the queue's queued hash (docs/PROTOCOL.md).
     * The job prefix and that hash are declared keys, so that a cluster node answers only for its
     * own slots.
     */
    private static final String SCRIPT = """
            local out = {}
            for i = 1, #ARGV do
              local h = redis.call('HMGET', KEYS[1] .. ARGV[i], 'status', 'attempts', 'recoveries', 'ended_at')
              if not h[1] and redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then h[1] = 'QUEUED' end
              out[#out + 1] = tostring(h[1] or '-') .. ' ' .. tostring(h[2] or '0') .. ' '
                  .. tostring(h[3] or '0') .. ' ' .. tostring(h[4] or '0')
            end
            return out
            """;

    private JobStates() {}

    /** @return the state of each job, in the order of {@code ids} */
    static Map<String, State> read(RedisServer redis, Keys keys, String queue, Collection<String> ids) {
        Map<String, State> states = new LinkedHashMap<>();
        List<String> idList = new ArrayList<>(ids);
        // In chunks, so that no single command grows without bound.
        for (int from = 0; from < idList.size(); from += 2000) {
            List<String> chunk = idList.subList(from, Math.min(idList.size(), from + 2000));
            List<String> cmd = new ArrayList<>(List.of("EVAL", SCRIPT, "2", keys.jobPrefix(queue), keys.queued(queue)));
            cmd.addAll(chunk);
            String[] lines = redis.execute(cmd.toArray(String[]::new)).split("\n");
            for (int i = 0; i < chunk.size(); i++) {
                String[] f = lines[i].split(" ");
                states.put(
                        chunk.get(i),
                        new State(
                                f[0].equals("-") ? null : f[0],
                                Integer.parseInt(f[1]),
                                Integer.parseInt(f[2]),
                                Long.parseLong(f[3])));
            }
        }
        return states;
    }

    /**
     * Waits until every job is FINISHED; on timeout, fails naming the jobs that are not, with their
     * state and whether their id is in the ready list or the active set.
     */
    static void awaitFinished(RedisServer redis, Keys keys, String queue, Collection<String> ids, Duration timeout) {
        await(redis, keys, queue, ids, timeout, false);
    }

    /**
     * Waits until every job the server has is FINISHED, for tests in which some may be missing (a
     * failover loses the writes its replica had not received); fails on timeout as
     * {@link #awaitFinished} does.
     *
     * @return the state of each job, status null for those the server does not have
     */
    static Map<String, State> awaitStoredFinished(
            RedisServer redis, Keys keys, String queue, Collection<String> ids, Duration timeout) {
        return await(redis, keys, queue, ids, timeout, true);
    }

    private static Map<String, State> await(
            RedisServer redis, Keys keys, String queue, Collection<String> ids, Duration timeout, boolean missingOk) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, State> states = read(redis, keys, queue, ids);
            List<String> open = states.entrySet().stream()
                    .filter(e -> !(missingOk && e.getValue().status() == null))
                    .filter(e -> !"FINISHED".equals(e.getValue().status()))
                    .map(Map.Entry::getKey)
                    .toList();
            if (open.isEmpty()) {
                return states;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder why = new StringBuilder(
                        open.size() + " of " + ids.size() + " jobs not FINISHED after " + timeout + ":");
                for (String id : open.subList(0, Math.min(20, open.size()))) {
                    why.append("\n  ")
                            .append(id)
                            .append(' ')
                            .append(states.get(id))
                            .append(" ready-list position ")
                            .append(redis.execute("LPOS", keys.ready(queue), id))
                            .append(", active deadline ")
                            .append(redis.execute("ZSCORE", keys.active(queue), id));
                }
                throw new AssertionError(why.toString());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** @return how many of the jobs are in the given status */
    static long count(Map<String, State> states, String status) {
        return states.values().stream().filter(s -> status.equals(s.status())).count();
    }
}
