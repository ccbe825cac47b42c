package io.jrq.internal.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The plain (non-script) commands that the client and the worker send, with JDK types for replies,
 * so that Lettuce stays inside this package. Each command is sent as it is called, on the
 * connection this was made for (the client's shared one, or a dedicated one); the returned future
 * is Lettuce's own pending command, so a call costs nothing beyond the command itself.
 */
public final class Commands {
    final RedisClusterAsyncCommands<String, String> async;

    Commands(RedisClusterAsyncCommands<String, String> async) {
        this.async = async;
    }

    /** A sorted-set member with its score. */
    public record Scored(String value, double score) {}

    /**
     * One page of an {@code SSCAN}.
     *
     * @param cursor where the next page starts; pass it to {@link #sscan} again
     * @param values the members of this page (a member may come more than once over a whole scan)
     * @param finished whether the scan has come round to its start
     */
    public record ScanPage(String cursor, List<String> values, boolean finished) {
        /** Where a scan starts. */
        public static final String START = ScanCursor.INITIAL.getCursor();
    }

    public CompletableFuture<String> ping() {
        return async.ping().toCompletableFuture();
    }

    /** @return Redis' clock: seconds and microseconds, as {@code TIME} answers */
    public CompletableFuture<List<String>> time() {
        return async.time().toCompletableFuture();
    }

    /**
     * @param time a reply of {@link #time}
     * @return that time in ms, as the scripts' {@code nowMs} reads it
     */
    public static long millis(List<String> time) {
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    public CompletableFuture<String> info(String section) {
        return async.info(section).toCompletableFuture();
    }

    public CompletableFuture<String> set(String key, String value) {
        return async.set(key, value).toCompletableFuture();
    }

    public CompletableFuture<Long> del(String... keys) {
        return async.del(keys).toCompletableFuture();
    }

    public CompletableFuture<Long> exists(String... keys) {
        return async.exists(keys).toCompletableFuture();
    }

    public CompletableFuture<Boolean> pexpire(String key, long ms) {
        return async.pexpire(key, ms).toCompletableFuture();
    }

    public CompletableFuture<String> hget(String key, String field) {
        return async.hget(key, field).toCompletableFuture();
    }

    public CompletableFuture<Map<String, String>> hgetall(String key) {
        return async.hgetall(key).toCompletableFuture();
    }

    public CompletableFuture<Boolean> hexists(String key, String field) {
        return async.hexists(key, field).toCompletableFuture();
    }

    public CompletableFuture<Boolean> hset(String key, String field, String value) {
        return async.hset(key, field, value).toCompletableFuture();
    }

    public CompletableFuture<Long> hset(String key, Map<String, String> fields) {
        return async.hset(key, fields).toCompletableFuture();
    }

    public CompletableFuture<Long> hincrby(String key, String field, long by) {
        return async.hincrby(key, field, by).toCompletableFuture();
    }

    public CompletableFuture<Long> llen(String key) {
        return async.llen(key).toCompletableFuture();
    }

    public CompletableFuture<List<String>> lrange(String key, long start, long stop) {
        return async.lrange(key, start, stop).toCompletableFuture();
    }

    /** @return the fields asked for that the hash has; a missing field (or hash) is left out */
    public CompletableFuture<Map<String, String>> hmget(String key, String... fields) {
        return async.hmget(key, fields).toCompletableFuture().thenApply(values -> {
            Map<String, String> out = new HashMap<>();
            for (KeyValue<String, String> kv : values) {
                if (kv.hasValue()) {
                    out.put(kv.getKey(), kv.getValue());
                }
            }
            return out;
        });
    }

    public CompletableFuture<Long> sadd(String key, String... members) {
        return async.sadd(key, members).toCompletableFuture();
    }

    public CompletableFuture<Long> srem(String key, String... members) {
        return async.srem(key, members).toCompletableFuture();
    }

    public CompletableFuture<Boolean> sismember(String key, String member) {
        return async.sismember(key, member).toCompletableFuture();
    }

    public CompletableFuture<Set<String>> smembers(String key) {
        return async.smembers(key).toCompletableFuture();
    }

    /**
     * {@code SMEMBERS} with the members as sent, not decoded: a member that is not UTF-8 would
     * otherwise turn into replacement characters and could no longer be told apart.
     */
    public CompletableFuture<List<byte[]>> smembersRaw(String key) {
        return async.dispatch(CommandType.SMEMBERS, new RawMembers(), new CommandArgs<>(StringCodec.UTF8).addKey(key))
                .toCompletableFuture();
    }

    /** {@code SSCAN key cursor COUNT count}: one page, from {@link ScanPage#START} or a page's cursor. */
    public CompletableFuture<ScanPage> sscan(String key, String cursor, int count) {
        return async.sscan(key, ScanCursor.of(cursor), ScanArgs.Builder.limit(count))
                .toCompletableFuture()
                .thenApply(c -> new ScanPage(c.getCursor(), c.getValues(), c.isFinished()));
    }

    public CompletableFuture<Long> zcard(String key) {
        return async.zcard(key).toCompletableFuture();
    }

    /** @return how many members score {@code min} or more (a time in ms: exact as a double) */
    public CompletableFuture<Long> zcountFrom(String key, long min) {
        return async.zcount(key, Range.create((double) min, Double.POSITIVE_INFINITY))
                .toCompletableFuture();
    }

    public CompletableFuture<List<String>> zrange(String key, long start, long stop) {
        return async.zrange(key, start, stop).toCompletableFuture();
    }

    public CompletableFuture<List<String>> zrevrange(String key, long start, long stop) {
        return async.zrevrange(key, start, stop).toCompletableFuture();
    }

    /** @return the first {@code count} members (lowest scores first) that score {@code max} or less */
    public CompletableFuture<List<String>> zrangeUpTo(String key, double max, int count) {
        return async.zrangebyscore(key, Range.create(Double.NEGATIVE_INFINITY, max), Limit.create(0, count))
                .toCompletableFuture();
    }

    public CompletableFuture<Long> zrem(String key, String... members) {
        return async.zrem(key, members).toCompletableFuture();
    }

    public CompletableFuture<Double> zscore(String key, String member) {
        return async.zscore(key, member).toCompletableFuture();
    }

    public CompletableFuture<List<Scored>> zrangeWithScores(String key, long start, long stop) {
        return async.zrangeWithScores(key, start, stop).toCompletableFuture().thenApply(Commands::scored);
    }

    public CompletableFuture<Long> publish(String channel, String message) {
        return async.publish(channel, message).toCompletableFuture();
    }

    /** @return the number of subscribers of each channel */
    public CompletableFuture<Map<String, Long>> pubsubNumsub(String... channels) {
        return async.pubsubNumsub(channels).toCompletableFuture();
    }

    static List<Scored> scored(List<ScoredValue<String>> values) {
        List<Scored> out = new ArrayList<>(values.size());
        for (ScoredValue<String> v : values) {
            out.add(new Scored(v.getValue(), v.getScore()));
        }
        return out;
    }

    private static final class RawMembers extends CommandOutput<String, String, List<byte[]>> {
        RawMembers() {
            super(StringCodec.UTF8, new ArrayList<>());
        }

        @Override
        public void set(ByteBuffer bytes) {
            if (bytes != null) {
                byte[] b = new byte[bytes.remaining()];
                bytes.get(b);
                output.add(b);
            }
        }
    }
}
