package io.jrq.testkit;

import io.jrq.redisserver.Processes;
import io.jrq.redisserver.Resp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of real redis-server processes on 127.0.0.1: masters only, all 16384 slots
 * spread evenly over them.
 *
 * <p>The cluster is formed with plain commands (CLUSTER ADDSLOTS, CLUSTER MEET) rather than
 * {@code redis-cli --cluster create}, because redis-cli is often not installed where a
 * redis-server is (the embedded binary comes alone).
 */
public final class RedisCluster implements AutoCloseable {

    private static final int SLOTS = 16384;
    private static final int SLOTS_PER_COMMAND = 1000;
    private static final long CONVERGE_TIMEOUT_MILLIS = 30_000;

    private final List<RedisServer> nodes;
    private volatile boolean shared;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = Collections.unmodifiableList(new ArrayList<>(nodes));
    }

    /**
     * Starts {@code masters} cluster-enabled servers, assigns every slot and waits until each node
     * reports {@code cluster_state:ok} and knows all masters.
     *
     * @param masters number of master nodes, at least 1
     * @return the running cluster
     * @throws IllegalStateException if a node does not start or the cluster does not converge within
     *     30 seconds
     */
    public static RedisCluster start(int masters) {
        if (masters < 1) {
            throw new IllegalArgumentException("a cluster needs at least one master: " + masters);
        }
        List<RedisServer> started = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                started.add(RedisServer.builder()
                        .config("cluster-enabled", "yes")
                        .config("cluster-node-timeout", "5000")
                        .start());
            }
            RedisCluster cluster = new RedisCluster(started);
            cluster.form();
            return cluster;
        } catch (RuntimeException e) {
            for (RedisServer node : started) {
                try {
                    node.release();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Returns the nodes in slot order: the first one owns slot 0.
     *
     * @return an unmodifiable list of the cluster's servers
     */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /**
     * Returns all nodes in one URI of the form
     * {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...}, the scheme jrq uses to select
     * cluster mode.
     *
     * @return the cluster URI
     */
    public String url() {
        return nodes.stream()
                .map(n -> n.host() + ":" + n.port())
                .collect(Collectors.joining(",", "redis-cluster://", ""));
    }

    /**
     * Returns one {@code redis://} URI per node, the form Lettuce's RedisClusterClient takes as
     * seeds.
     *
     * @return the seed URIs in node order
     */
    public List<String> seedUrls() {
        return nodes.stream().map(RedisServer::url).collect(Collectors.toUnmodifiableList());
    }

    /** Stops every node and deletes their data directories. Calling it again does nothing. */
    @Override
    public void close() {
        if (shared) {
            throw new IllegalStateException("close is not allowed on the shared " + this
                    + ": other tests use it at the same time; declare the parameter as @Private "
                    + "to get a cluster of your own.");
        }
        release();
    }

    /**
     * Describes the cluster for test failure messages.
     *
     * @return the cluster URI
     */
    @Override
    public String toString() {
        return "RedisCluster[" + url() + "]";
    }

    void markShared() {
        shared = true;
        nodes.forEach(RedisServer::markShared);
    }

    void release() {
        RuntimeException failure = null;
        for (RedisServer node : nodes) {
            try {
                node.release();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void form() {
        int count = nodes.size();
        for (int i = 0; i < count; i++) {
            RedisServer node = nodes.get(i);
            // Distinct epochs up front spare the cluster its slow epoch-collision resolution.
            node.execute("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
            int from = (int) ((long) SLOTS * i / count);
            int to = (int) ((long) SLOTS * (i + 1) / count);
            for (int start = from; start < to; start += SLOTS_PER_COMMAND) {
                int end = Math.min(to, start + SLOTS_PER_COMMAND);
                List<String> command = new ArrayList<>();
                command.add("CLUSTER");
                command.add("ADDSLOTS");
                for (int slot = start; slot < end; slot++) {
                    command.add(Integer.toString(slot));
                }
                node.execute(command.toArray(new String[0]));
            }
        }
        RedisServer first = nodes.get(0);
        for (int i = 1; i < count; i++) {
            first.execute(
                    "CLUSTER",
                    "MEET",
                    nodes.get(i).host(),
                    Integer.toString(nodes.get(i).port()));
        }
        awaitConverged();
    }

    private void awaitConverged() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MILLIS);
        while (true) {
            String problem = firstProblem();
            if (problem == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster " + url() + " did not converge within "
                        + CONVERGE_TIMEOUT_MILLIS / 1000 + " s: " + problem);
            }
            Processes.sleep(50);
        }
    }

    /** Null when every node sees a healthy cluster of exactly these masters, else why not. */
    private String firstProblem() {
        for (RedisServer node : nodes) {
            String info = node.execute("CLUSTER", "INFO");
            if (!"ok".equals(Resp.infoField(info, "cluster_state"))
                    || !Integer.toString(SLOTS).equals(Resp.infoField(info, "cluster_slots_assigned"))
                    || !Integer.toString(nodes.size()).equals(Resp.infoField(info, "cluster_known_nodes"))) {
                return node + " reports\n" + info;
            }
            String view = node.execute("CLUSTER", "NODES");
            long healthyMasters = view.lines()
                    .filter(line -> line.contains("master"))
                    .filter(line -> !line.contains("handshake") && !line.contains("fail") && !line.contains("noaddr"))
                    .count();
            if (healthyMasters != nodes.size()) {
                return node + " sees\n" + view;
            }
        }
        return null;
    }
}
