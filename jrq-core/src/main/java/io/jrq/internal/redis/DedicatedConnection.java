package io.jrq.internal.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

/**
 * A connection used by one caller at a time, for a write followed by a command that blocks the
 * connection until the write is confirmed ({@code WAIT}, {@code WAITAOF}). In a cluster both must
 * reach the primary that owns the keys, so {@link #on(String)} hands out that node's connection.
 */
public final class DedicatedConnection implements AutoCloseable {
    private final StatefulConnection<String, String> connection;

    DedicatedConnection(StatefulConnection<String, String> connection) {
        this.connection = connection;
    }

    /**
     * @param key a key of the write; in a cluster it picks the node
     * @return commands on the connection that reaches the primary owning {@code key}
     * @throws io.jrq.RedisUnavailableException when no node serves the slot, or its connection cannot
     *     be opened; nothing was sent then
     */
    @SuppressWarnings("unchecked")
    public RedisAsyncCommands<String, String> on(String key) {
        if (connection instanceof StatefulRedisClusterConnection<String, String> cluster) {
            RedisClusterNode node = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
            if (node == null) {
                throw new io.jrq.RedisUnavailableException("no cluster node serves the slot of " + key, null);
            }
            try {
                return cluster.getConnection(node.getNodeId()).async();
            } catch (io.lettuce.core.RedisException e) {
                // The node's connection must be opened first, and that fails while the node is down
                // (a killed primary before its replica takes over): nothing was sent.
                throw new io.jrq.RedisUnavailableException(
                        "cannot connect to the cluster node " + node.getUri().getHost() + ":"
                                + node.getUri().getPort() + " that serves the slot of " + key + ": "
                                + RedisEndpoint.redactText(String.valueOf(e.getMessage())),
                        e);
            }
        }
        return ((StatefulRedisConnection<String, String>) connection).async();
    }

    /** @return true while the connection is open (Lettuce reconnects it when it drops) */
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        connection.close();
    }
}
