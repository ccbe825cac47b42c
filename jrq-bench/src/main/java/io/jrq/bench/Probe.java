package io.jrq.bench;

import io.jrq.internal.Keys;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's own view of Redis, on a connection of its own: progress of a drain, server
 * statistics, memory. Its polling uses commands no jrq script or worker issues ({@code LLEN},
 * {@code ZCOUNT}, {@code INFO}), so they can be told apart from jrq's in {@code INFO commandstats}.
 */
final class Probe implements AutoCloseable {
    /** Commands that jrq's Lua scripts call, each counted by Redis as a command of its own. */
    static final Set<String> SCRIPT_INNER = Set.of(
            "hset",
            "del",
            "zrem",
            "zadd",
            "hmget",
            "hget",
            "time",
            "zremrangebyscore",
            "zcard",
            "smembers",
            "publish",
            "lpush",
            "hincrby",
            "hdel",
            "get",
            "expire",
            "zpopmin",
            "zrangebyscore",
            "set",
            "sadd",
            "rpush",
            "rpop",
            "pttl",
            "lrem",
            "exists",
            "zscore",
            "zrange",
            "srem",
            "sismember",
            "scard",
            "pexpire",
            "persist",
            "incrby");
    /** Commands only this probe issues. */
    static final Set<String> OWN = Set.of(
            "llen",
            "zcount",
            "info",
            "config|resetstat",
            "flushall",
            "memory|usage",
            "hstrlen",
            "lindex",
            "ping",
            "dbsize");

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> sync;
    private final Keys keys = new Keys("jrq");

    Probe(String url) {
        this.client = RedisClient.create(url);
        this.connection = client.connect();
        this.sync = connection.sync();
    }

    RedisCommands<String, String> sync() {
        return sync;
    }

    /** @return jobs of the queue that are neither waiting nor running (so: ended) out of {@code total} */
    long done(String queue, long total) {
        return done(List.of(queue), total);
    }

    /** @return jobs of the queues that are neither waiting nor running (so: ended) out of {@code total} */
    long done(List<String> queues, long total) {
        long left = 0;
        for (String queue : queues) {
            left += sync.llen(keys.ready(queue))
                    + sync.zcount(keys.active(queue), Range.create(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        }
        return total - left;
    }

    Keys keys() {
        return keys;
    }

    void flushAll() {
        sync.flushall();
    }

    /** @return the server's counters now */
    Snapshot snapshot() {
        return Snapshot.parse(sync.info("all"));
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }

    /** Counters from {@code INFO}: command calls and time, memory, CPU, network bytes. */
    record Snapshot(Map<String, long[]> commands, long usedMemory, double cpuSeconds, long netIn, long netOut) {
        static Snapshot parse(String info) {
            Map<String, long[]> cmds = new HashMap<>();
            long mem = 0;
            double cpu = 0;
            long in = 0;
            long out = 0;
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("cmdstat_")) {
                    String name = line.substring(8, line.indexOf(':'));
                    long calls = 0;
                    long usec = 0;
                    for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                        String[] p = kv.split("=");
                        if (p[0].equals("calls")) {
                            calls = Long.parseLong(p[1]);
                        } else if (p[0].equals("usec")) {
                            usec = Long.parseLong(p[1]);
                        }
                    }
                    cmds.put(name, new long[] {calls, usec});
                } else if (line.startsWith("used_memory:")) {
                    mem = Long.parseLong(line.substring(12).trim());
                } else if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    cpu += Double.parseDouble(
                            line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("total_net_input_bytes:")) {
                    in = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("total_net_output_bytes:")) {
                    out = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return new Snapshot(cmds, mem, cpu, in, out);
        }

        /** @return calls and usec per command between {@code before} and this snapshot */
        Map<String, long[]> commandsSince(Snapshot before) {
            Map<String, long[]> d = new HashMap<>();
            commands.forEach((name, v) -> {
                long[] b = before.commands.getOrDefault(name, new long[2]);
                if (v[0] - b[0] > 0) {
                    d.put(name, new long[] {v[0] - b[0], v[1] - b[1]});
                }
            });
            return d;
        }
    }
}
