package io.jrq.testkit;

import io.jrq.redisserver.RedisProcess;

/**
 * Finds TCP ports on 127.0.0.1 that nothing is listening on.
 *
 * <p>A port found here is only free at the moment it is checked; another process can take it
 * before it is used. Callers that start a server must therefore be ready to retry with another
 * port, as {@link RedisServer} does.
 *
 * <p>Ports come from the same source as those of the servers this kit starts, so a port handed
 * out here is never given to one of them in the same JVM.
 */
public final class FreePorts {

    /** Redis cluster nodes also listen on port + 10000 (the cluster bus). */
    static final int CLUSTER_BUS_OFFSET = RedisProcess.CLUSTER_BUS_OFFSET;

    private FreePorts() {}

    /**
     * Returns a port on 127.0.0.1 that was free a moment ago and that this JVM has not handed out
     * before.
     *
     * @return a port number between 1024 and 65535
     * @throws IllegalStateException if no such port could be found
     */
    public static int find() {
        return io.jrq.redisserver.FreePorts.find();
    }

    /**
     * Like {@link #find()}, optionally also requiring the matching cluster bus port to be free.
     */
    static int find(boolean withClusterBus) {
        return io.jrq.redisserver.FreePorts.findWithCompanion(withClusterBus ? CLUSTER_BUS_OFFSET : 0);
    }
}
