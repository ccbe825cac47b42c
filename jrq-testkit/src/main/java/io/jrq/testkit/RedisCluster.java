package io.jrq.testkit;

import io.jrq.redisserver.Processes;
import io.jrq.redisserver.Resp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of real redis-server processes on 127.0.0.1: all 16384 slots spread evenly over
 * the masters, and optionally replicas of each master ({@link #start(int, int)}), so that a test can
 * kill the master of a queue's slot ({@link #killMasterOf(String)}) and watch a replica take over
 * ({@link #awaitFailover(String, RedisServer, java.time.Duration)}).
 *
 * <p>The cluster is formed with plain commands (CLUSTER ADDSLOTS, CLUSTER MEET) rather than
 * {@code redis-cli --cluster create}, because redis-cli is often not installed where a
 * redis-server is (the embedded binary comes alone).
 */
public final class RedisCluster implements AutoCloseable {

    private static final int SLOTS = 16384;
    private static final int SLOTS_PER_COMMAND = 1000;
    private static final long CONVERGE_TIMEOUT_MILLIS = 30_000;
    /** Masters only: no failover can happen, so the timeout only bounds how soon a node is taken for failed. */
    private static final String NODE_TIMEOUT_MILLIS = "5000";
    /**
     * With replicas: a killed master is failed over within about 3 s (the timeout, then the election
     * delay of 0.5 to 1 s), instead of 6 to 7 s, so that a failover test stays short.
     */
    private static final String REPLICATED_NODE_TIMEOUT_MILLIS = "2000";

    private final List<RedisServer> nodes;
    private final int masters;
    private volatile boolean shared;

    private RedisCluster(List<RedisServer> nodes, int masters) {
        this.nodes = Collections.unmodifiableList(new ArrayList<>(nodes));
        this.masters = masters;
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
        return start(masters, 0);
    }

    /**
     * Starts {@code masters} cluster-enabled masters with {@code replicasPerMaster} replicas each
     * (made with {@code CLUSTER REPLICATE}), assigns every slot to the masters and waits until each
     * node reports {@code cluster_state:ok}, knows every node, and every replica has synced.
     *
     * @param masters number of master nodes, at least 1
     * @param replicasPerMaster replicas of each master, 0 or more
     * @return the running cluster
     * @throws IllegalStateException if a node does not start or the cluster does not converge within
     *     30 seconds
     */
    public static RedisCluster start(int masters, int replicasPerMaster) {
        if (masters < 1) {
            throw new IllegalArgumentException("a cluster needs at least one master: " + masters);
        }
        if (replicasPerMaster < 0) {
            throw new IllegalArgumentException("replicas per master must be 0 or more: " + replicasPerMaster);
        }
        String nodeTimeout = replicasPerMaster == 0 ? NODE_TIMEOUT_MILLIS : REPLICATED_NODE_TIMEOUT_MILLIS;
        List<RedisServer> started = new ArrayList<>();
        try {
            for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
                started.add(RedisServer.builder()
                        .config("cluster-enabled", "yes")
                        .config("cluster-node-timeout", nodeTimeout)
                        .start());
            }
            RedisCluster cluster = new RedisCluster(started, masters);
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
     * Returns the nodes as started: the masters in slot order (the first one owns slot 0), then the
     * replicas, those of the first master first.
     *
     * @return an unmodifiable list of the cluster's servers
     */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /**
     * Returns the servers that are masters now, by the topology of a running node: after a failover
     * the promoted replica is one of them and the killed master is not.
     *
     * @return the masters that serve slots, in slot order
     */
    public List<RedisServer> masters() {
        List<RedisServer> out = new ArrayList<>();
        for (Shard shard : shards()) {
            RedisServer s = serverOn(shard.port());
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Returns the server that serves {@code key}'s slot now, by the topology of a running node.
     *
     * @param key a key, or a queue's hash tag such as {@code {reports}}
     * @return the master of the key's slot
     * @throws IllegalStateException when no running node names a master for the slot
     */
    public RedisServer masterOf(String key) {
        int slot = slotOf(key);
        for (Shard shard : shards()) {
            if (slot >= shard.from() && slot <= shard.to()) {
                return serverOn(shard.port());
            }
        }
        throw new IllegalStateException("no master of " + this + " serves slot " + slot + " of " + key);
    }

    /**
     * Kills the master of {@code key}'s slot with SIGKILL, as a crash would; its replica, if any,
     * takes over once the other masters agree it failed. The killed server is not started again.
     *
     * @param key a key, or a queue's hash tag such as {@code {reports}}
     * @return the server that was killed
     */
    public RedisServer killMasterOf(String key) {
        RedisServer master = masterOf(key);
        master.kill();
        return master;
    }

    /**
     * Waits until a replica of {@code old} serves {@code key}'s slot as a master, as every running
     * master sees it, and says so itself ({@code role:master}).
     *
     * @param key a key, or a queue's hash tag such as {@code {reports}}
     * @param old the master that was killed
     * @param timeout how long to wait
     * @return the new master of the slot
     * @throws IllegalStateException when the failover has not completed in time
     */
    public RedisServer awaitFailover(String key, RedisServer old, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int slot = slotOf(key);
        String problem = "not checked yet";
        while (true) {
            try {
                RedisServer candidate = null;
                boolean agreed = true;
                for (RedisServer node : nodes) {
                    if (!node.isRunning() || node == old) {
                        continue;
                    }
                    int port = -1;
                    for (Shard shard : shards(node)) {
                        if (slot >= shard.from() && slot <= shard.to()) {
                            port = shard.port();
                        }
                    }
                    if (port < 0 || port == old.port() || (candidate != null && candidate.port() != port)) {
                        agreed = false;
                        problem = node + " names port " + port + " for slot " + slot;
                        break;
                    }
                    candidate = serverOn(port);
                }
                if (agreed && candidate != null) {
                    String role = Resp.infoField(candidate.execute("INFO", "replication"), "role");
                    if ("master".equals(role)) {
                        return candidate;
                    }
                    problem = candidate + " serves slot " + slot + " but reports role " + role;
                }
            } catch (RuntimeException e) {
                problem = e.toString();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "no failover of slot " + slot + " away from " + old + " within " + timeout + ": " + problem);
            }
            Processes.sleep(20);
        }
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
        int count = masters;
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
        for (int i = 1; i < nodes.size(); i++) {
            first.execute(
                    "CLUSTER",
                    "MEET",
                    nodes.get(i).host(),
                    Integer.toString(nodes.get(i).port()));
        }
        if (nodes.size() > masters) {
            // A replica can only follow a master it knows: wait for the handshakes first.
            awaitConverged(false);
            int perMaster = (nodes.size() - masters) / masters;
            for (int r = masters; r < nodes.size(); r++) {
                RedisServer master = nodes.get((r - masters) / perMaster);
                String id = master.execute("CLUSTER", "MYID");
                nodes.get(r).execute("CLUSTER", "REPLICATE", id);
            }
        }
        awaitConverged(true);
    }

    /** One range of slots and the port of the master that serves it, as {@code CLUSTER SLOTS} lists it. */
    private record Shard(int from, int to, int port) {}

    private List<Shard> shards() {
        RuntimeException failure = null;
        for (RedisServer node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            try {
                return shards(node);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        throw failure != null ? failure : new IllegalStateException("no node of " + this + " is running");
    }

    /** The slot ranges as {@code node} sees them, from {@code CLUSTER NODES} (the first line per master). */
    private static List<Shard> shards(RedisServer node) {
        List<Shard> out = new ArrayList<>();
        for (String line : node.execute("CLUSTER", "NODES").split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 9 || !f[2].contains("master") || (f[2].contains("fail") && !f[2].contains("fail?"))) {
                continue;
            }
            String address = f[1];
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1, address.indexOf('@')));
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated
                }
                int dash = f[i].indexOf('-');
                int from = Integer.parseInt(dash < 0 ? f[i] : f[i].substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(f[i].substring(dash + 1));
                out.add(new Shard(from, to, port));
            }
        }
        out.sort(java.util.Comparator.comparingInt(Shard::from));
        return out;
    }

    private int slotOf(String key) {
        for (RedisServer node : nodes) {
            if (node.isRunning()) {
                return Integer.parseInt(node.execute("CLUSTER", "KEYSLOT", key));
            }
        }
        throw new IllegalStateException("no node of " + this + " is running");
    }

    private RedisServer serverOn(int port) {
        for (RedisServer node : nodes) {
            if (node.port() == port) {
                return node;
            }
        }
        throw new IllegalStateException("a node names port " + port + ", which " + this + " did not start");
    }

    private void awaitConverged(boolean withReplicas) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MILLIS);
        while (true) {
            String problem = firstProblem(withReplicas);
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

    /**
     * Null when every node sees a healthy cluster of exactly these nodes and masters (and, when
     * asked, every replica in place and synced), else why not.
     */
    private String firstProblem(boolean withReplicas) {
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
            long expectedMasters = withReplicas ? masters : nodes.size();
            if (healthyMasters != expectedMasters) {
                return node + " sees\n" + view;
            }
        }
        if (withReplicas) {
            for (RedisServer replica : nodes.subList(masters, nodes.size())) {
                String replication = replica.execute("INFO", "replication");
                if (!"slave".equals(Resp.infoField(replication, "role"))
                        || !"up".equals(Resp.infoField(replication, "master_link_status"))) {
                    return replica + " is not a synced replica yet:\n" + replication;
                }
            }
        }
        return null;
    }

    /**
     * Returns the hash slot of {@code key}, as the cluster computes it ({@code CLUSTER KEYSLOT}).
     *
     * @param key a key, or a queue's hash tag such as {@code {reports}}
     * @return the slot, 0 to 16383
     */
    public int slotOfKey(String key) {
        return slotOf(key);
    }

    /**
     * Moves {@code slot} from the master that serves it to {@code target} while clients keep using
     * it, with the steps {@code redis-cli --cluster reshard} takes: {@code CLUSTER SETSLOT slot
     * IMPORTING} on the target, {@code MIGRATING} on the source, then {@code CLUSTER GETKEYSINSLOT} and
     * {@code MIGRATE ... KEYS} in batches of {@code keysPerBatch} until the source has none left, and
     * {@code CLUSTER SETSLOT slot NODE target} on the target, the source and every other master, in
     * that order. Meanwhile clients get {@code ASK} for keys already moved and {@code TRYAGAIN} for
     * commands with several keys of which some are moved (or, on the target, missing).
     *
     * <p>A pause between batches stretches the migration of a busy slot over a measurable time, so
     * that a test's workload meets the migrating state rather than only its end.
     *
     * @param slot the slot to move
     * @param target the master to move it to; nothing happens when it serves the slot already
     * @param keysPerBatch keys per {@code MIGRATE}, at least 1
     * @param pauseMillis sleep after each batch, 0 for none
     * @return how many keys were moved
     * @throws IllegalStateException when a step is refused (the slot is then left open: importing
     *     on the target, migrating on the source)
     */
    public int moveSlot(int slot, RedisServer target, int keysPerBatch, long pauseMillis) {
        if (keysPerBatch < 1) {
            throw new IllegalArgumentException("keys per batch must be at least 1: " + keysPerBatch);
        }
        List<RedisServer> current = masters();
        if (!current.contains(target)) {
            throw new IllegalArgumentException(target + " is not a master of " + this);
        }
        RedisServer source = null;
        for (Shard shard : shards()) {
            if (slot >= shard.from() && slot <= shard.to()) {
                source = serverOn(shard.port());
            }
        }
        if (source == null) {
            throw new IllegalStateException("no master of " + this + " serves slot " + slot);
        }
        if (source == target) {
            return 0;
        }
        String s = Integer.toString(slot);
        String sourceId = source.execute("CLUSTER", "MYID");
        String targetId = target.execute("CLUSTER", "MYID");
        // Importing first: once the source migrates, it sends clients to the target with ASK, which
        // the target must already accept.
        target.execute("CLUSTER", "SETSLOT", s, "IMPORTING", sourceId);
        source.execute("CLUSTER", "SETSLOT", s, "MIGRATING", targetId);
        int moved = 0;
        while (true) {
            String listed = source.execute("CLUSTER", "GETKEYSINSLOT", s, Integer.toString(keysPerBatch));
            if (listed == null || listed.isEmpty()) {
                break;
            }
            // jrq's keys hold no line breaks, so the rendered reply splits back into its elements.
            List<String> command = new ArrayList<>(
                    List.of("MIGRATE", target.host(), Integer.toString(target.port()), "", "0", "10000", "KEYS"));
            Collections.addAll(command, listed.split("\n"));
            // NOKEY (every listed key expired meanwhile) is a success too.
            source.execute(command.toArray(new String[0]));
            moved += command.size() - 7;
            if (pauseMillis > 0) {
                Processes.sleep(pauseMillis);
            }
        }
        // Target first, then source: the order redis-cli uses, so that no node sends a client to a
        // node that does not yet claim the slot for good.
        target.execute("CLUSTER", "SETSLOT", s, "NODE", targetId);
        source.execute("CLUSTER", "SETSLOT", s, "NODE", targetId);
        for (RedisServer master : current) {
            if (master != target && master != source) {
                master.execute("CLUSTER", "SETSLOT", s, "NODE", targetId);
            }
        }
        return moved;
    }
}
