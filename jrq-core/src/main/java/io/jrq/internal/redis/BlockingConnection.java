package io.jrq.internal.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

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
    public RedisClusterAsyncCommands<String, String> async() {
        return async;
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
