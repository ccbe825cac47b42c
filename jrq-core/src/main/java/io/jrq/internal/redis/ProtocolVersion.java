package io.jrq.internal.redis;

import io.jrq.JrqException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * The protocol version a Redis holds its jobs in (docs/PROTOCOL.md, "Protocol version"): the key
 * {@code <prefix>:protocol}. Every client, in any language, claims it when it connects ({@code SET
 * NX}) and reads it back, so a Redis written by producers of one version is never used by a client
 * of another.
 */
public final class ProtocolVersion {
    /** The version this code writes and reads. */
    public static final String CURRENT = "1";

    private ProtocolVersion() {}

    /**
     * Claims the key if it is free and checks what it holds, in one round trip (both commands are
     * pipelined). A Redis that refuses the write (at its maxmemory, or a read-only replica) is still
     * checked by the read: a client must be able to connect to a full Redis to free memory.
     *
     * @param redis the connection
     * @param key the protocol key ({@code Keys.protocol()})
     * @throws JrqException when the key holds another version
     */
    public static void check(Redis redis, String key) {
        RedisClusterAsyncCommands<String, String> a = redis.async();
        CompletableFuture<String> claim =
                a.set(key, CURRENT, SetArgs.Builder.nx()).toCompletableFuture().exceptionally(e -> null);
        CompletableFuture<String> held = a.get(key).toCompletableFuture();
        String version = redis.await(held);
        // The claim's outcome only matters through what GET read after it.
        claim.join();
        if (version != null && !CURRENT.equals(version)) {
            throw new JrqException("Redis at " + redis.endpoint().describe() + " holds jrq protocol version '"
                    + version + "' (key " + key + "), but this client speaks version " + CURRENT
                    + ": use a jrq release that speaks version " + version
                    + " with this Redis, or another key prefix (JrqOptions.keyPrefix)");
        }
    }
}
