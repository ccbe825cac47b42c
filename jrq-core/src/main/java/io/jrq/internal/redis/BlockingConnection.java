package io.jrq.internal.redis;

import io.lettuce.core.LMoveArgs;
import io.lettuce.core.UnblockType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * A connection of one waiter's own, for commands that block it ({@code BLMOVE}) and must never
 * stall the client's shared, pipelined connection.
 */
public final class BlockingConnection implements AutoCloseable {
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> async;

    BlockingConnection(StatefulRedisConnection<String, String> connection) {
        this.connection = connection;
        this.async = connection.async();
    }

    BlockingConnection(StatefulRedisClusterConnection<String, String> connection) {
        this.connection = connection;
        this.async = connection.async();
    }

    /** @return async commands on this connection alone */
    RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /**
     * Sends {@code BLMOVE key key RIGHT RIGHT timeout}: waits, blocking this connection, until the
     * list has an element, and leaves the list as it was.
     *
     * @param key the list to wait on
     * @param seconds how long the server waits at most
     * @return the element moved, or null when the wait timed out
     */
    public CompletableFuture<String> blmove(String key, double seconds) {
        return async.blmove(key, key, LMoveArgs.Builder.rightRight(), seconds).toCompletableFuture();
    }

    /**
     * Sends {@code LLEN key} behind whatever this connection has already sent to the key's node.
     * Redis runs one connection's commands in order, so its reply means every command sent before
     * it there has run, including one whose reply the client has stopped waiting for (a timed-out
     * fetch pipelined behind a wait): nothing sent before it can run later.
     *
     * @param key a key of the node whose commands must have run
     * @return the list's length, once the commands before it have run
     */
    public CompletableFuture<Long> barrier(String key) {
        return async.llen(key).toCompletableFuture();
    }

    /**
     * Ends this connection's blocked command as if it timed out ({@code CLIENT UNBLOCK id TIMEOUT}),
     * sent on another connection since this one is blocked. Does not wait for the reply.
     *
     * @param shared the connection to send it on
     * @param clientId this connection's {@link #clientId()}
     */
    public void unblock(Redis shared, long clientId) {
        shared.async().clientUnblock(clientId, UnblockType.TIMEOUT);
    }

    /**
     * @return this connection's id on the server, for {@code CLIENT UNBLOCK}; -1 in a cluster, where
     *     the blocked command may sit on any node's connection
     * @throws RuntimeException when the server refuses {@code CLIENT ID}
     */
    public long clientId() {
        if (connection instanceof StatefulRedisConnection<String, String> c) {
            return c.sync().clientId();
        }
        return -1;
    }

    @Override
    public void close() {
        connection.close();
    }
}
