package io.jrq.testkit;

import io.jrq.redisserver.Processes;
import io.jrq.redisserver.RedisBinary;
import io.jrq.redisserver.Resp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Sentinel deployment of real processes on 127.0.0.1: one master, two replicas and three
 * sentinels watching them with a quorum of 2, tuned so that a failover completes within a few
 * seconds of the master's death (down after 1 s, failover timeout 5 s).
 *
 * <pre>{@code
 * try (RedisSentinels redis = RedisSentinels.start()) {
 *   Jrq jrq = Jrq.connect(redis.url());
 *   RedisServer old = redis.killMaster();
 *   RedisServer now = redis.awaitFailover(old, Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>The sentinels are the same redis-server executable as the servers (the normal selection of the
 * package documentation), run in sentinel mode through a link named {@code redis-sentinel}, which
 * is how redis-server decides to be a sentinel when it gets no {@code --sentinel} argument. Each
 * process has a directory of its own; {@link #close()} kills them all and deletes the directories.
 */
public final class RedisSentinels implements AutoCloseable {

    /** The name the sentinels monitor the master under, the fragment of {@link #url()}. */
    public static final String MASTER_NAME = "jrq-master";

    private static final int REPLICAS = 2;
    private static final int SENTINELS = 3;
    private static final int QUORUM = 2;
    private static final int DOWN_AFTER_MILLIS = 1000;
    private static final int FAILOVER_TIMEOUT_MILLIS = 5000;
    private static final long READY_TIMEOUT_MILLIS = 30_000;

    private final List<RedisServer> servers;
    private final List<RedisServer> sentinels;
    private final Path linkDir;
    private boolean closed;

    private RedisSentinels(List<RedisServer> servers, List<RedisServer> sentinels, Path linkDir) {
        this.servers = Collections.unmodifiableList(new ArrayList<>(servers));
        this.sentinels = Collections.unmodifiableList(new ArrayList<>(sentinels));
        this.linkDir = linkDir;
    }

    /**
     * Starts the master, its two replicas and three sentinels, and waits until the replicas have
     * synced and every sentinel knows both replicas and the two other sentinels (without which it
     * could not win the election a failover needs).
     *
     * @return the running deployment
     * @throws IllegalStateException if a process does not start, or the sentinels do not see the
     *     whole deployment within 30 seconds
     */
    public static RedisSentinels start() {
        List<RedisServer> servers = new ArrayList<>();
        List<RedisServer> sentinels = new ArrayList<>();
        Path linkDir = null;
        try {
            RedisServer master = RedisServer.start();
            servers.add(master);
            for (int i = 0; i < REPLICAS; i++) {
                servers.add(RedisServer.builder().replicaOf(master).start());
            }
            for (int i = 1; i <= REPLICAS; i++) {
                servers.get(i).awaitReplicaLinkUp(Duration.ofSeconds(10));
            }
            linkDir = Files.createTempDirectory("jrq-sentinel-bin-");
            Path sentinelBinary = sentinelLink(linkDir);
            for (int i = 0; i < SENTINELS; i++) {
                sentinels.add(RedisServer.builder()
                        .binary(sentinelBinary)
                        // The sentinel rewrites its config file with what it learns; it lies in its own directory.
                        .config(
                                "sentinel",
                                "monitor " + MASTER_NAME + " " + master.host() + " " + master.port() + " " + QUORUM)
                        .config("sentinel", "down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS)
                        .config("sentinel", "failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MILLIS)
                        .config("sentinel", "parallel-syncs " + MASTER_NAME + " " + REPLICAS)
                        .start());
            }
            for (RedisServer sentinel : sentinels) {
                Requirements.require(
                        "sentinel".equals(Resp.infoField(sentinel.execute("INFO", "server"), "redis_mode")),
                        sentinelBinary + " does not run as a sentinel: install a redis-server (6.2 or later)"
                                + " that supports sentinel mode");
            }
            RedisSentinels deployment = new RedisSentinels(servers, sentinels, linkDir);
            deployment.awaitReady();
            return deployment;
        } catch (IOException e) {
            closeAll(sentinels, servers, linkDir, null);
            throw new UncheckedIOException("cannot create a directory for the sentinel executable", e);
        } catch (RuntimeException | Error e) {
            closeAll(sentinels, servers, linkDir, e);
            throw e;
        }
    }

    /**
     * Returns the URL jrq and Lettuce take for this deployment:
     * {@code redis-sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3#jrq-master}.
     *
     * @return the sentinel URL
     */
    public String url() {
        return sentinels.stream()
                        .map(s -> s.host() + ":" + s.port())
                        .collect(Collectors.joining(",", "redis-sentinel://", ""))
                + "#" + MASTER_NAME;
    }

    /**
     * Returns the data servers in start order: the first one was the master at the start.
     *
     * @return an unmodifiable list of the master and its replicas
     */
    public List<RedisServer> servers() {
        return servers;
    }

    /**
     * Returns the sentinel processes.
     *
     * @return an unmodifiable list of the three sentinels
     */
    public List<RedisServer> sentinels() {
        return sentinels;
    }

    /**
     * Returns the server the sentinels report as master ({@code SENTINEL get-master-addr-by-name}),
     * asking each running sentinel in turn until one answers.
     *
     * @return the reported master
     * @throws IllegalStateException when no sentinel answers, or one names a server this deployment
     *     did not start
     */
    public RedisServer master() {
        IllegalStateException failure = null;
        for (RedisServer sentinel : sentinels) {
            if (!sentinel.isRunning()) {
                continue;
            }
            try {
                return serverOn(reportedMasterPort(sentinel));
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = new IllegalStateException("no sentinel of " + this + " names the master");
                }
                failure.addSuppressed(e);
            }
        }
        throw failure != null ? failure : new IllegalStateException("no sentinel of " + this + " is running");
    }

    /**
     * Returns the master's port as each sentinel reports it, in sentinel order; 0 for a sentinel
     * that is not running or does not answer.
     *
     * @return the ports, one per sentinel
     */
    public List<Integer> reportedMasterPorts() {
        List<Integer> ports = new ArrayList<>();
        for (RedisServer sentinel : sentinels) {
            int port = 0;
            if (sentinel.isRunning()) {
                try {
                    port = reportedMasterPort(sentinel);
                } catch (RuntimeException e) {
                    port = 0;
                }
            }
            ports.add(port);
        }
        return Collections.unmodifiableList(ports);
    }

    /**
     * Kills the current master with SIGKILL, as a crash would; the sentinels then fail over to a
     * replica. The killed server is not started again.
     *
     * @return the server that was killed
     */
    public RedisServer killMaster() {
        RedisServer master = master();
        master.kill();
        return master;
    }

    /**
     * Freezes the current master with SIGSTOP: its connections stay open but nothing is answered,
     * so the sentinels fail over while clients may still hold connections to it. Resume it with
     * {@link RedisServer#resume()}; the sentinels then turn it into a replica of the new master.
     *
     * @return the server that was frozen
     */
    public RedisServer pauseMaster() {
        RedisServer master = master();
        master.pause();
        return master;
    }

    /**
     * Waits until every running sentinel names another master than {@code old}, and that server
     * says it is a master ({@code role:master}).
     *
     * @param old the master that was killed or frozen
     * @param timeout how long to wait
     * @return the new master
     * @throws IllegalStateException when the failover has not completed in time
     */
    public RedisServer awaitFailover(RedisServer old, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String problem = "not checked yet";
        while (true) {
            List<Integer> ports = reportedMasterPorts();
            int first = 0;
            boolean agreed = true;
            for (int i = 0; i < ports.size(); i++) {
                if (!sentinels.get(i).isRunning()) {
                    continue;
                }
                int port = ports.get(i);
                if (port == 0 || port == old.port() || (first != 0 && port != first)) {
                    agreed = false;
                }
                if (first == 0) {
                    first = port;
                }
            }
            if (agreed && first != 0) {
                RedisServer candidate = serverOn(first);
                String role = roleOf(candidate);
                if ("master".equals(role)) {
                    return candidate;
                }
                problem = candidate + " is named master but reports role " + role;
            } else {
                problem = "the sentinels name the masters on ports " + ports;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no failover away from " + old + " within " + timeout + ": " + problem);
            }
            Processes.sleep(20);
        }
    }

    /** Kills every process and deletes their directories. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(sentinels, servers, linkDir, null);
    }

    /**
     * Describes the deployment for test failure messages.
     *
     * @return the sentinel URL and the servers' ports
     */
    @Override
    public String toString() {
        return "RedisSentinels[" + url() + ", servers "
                + servers.stream().map(s -> Integer.toString(s.port())).collect(Collectors.joining(","))
                + "]";
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
        while (true) {
            String problem = null;
            for (RedisServer sentinel : sentinels) {
                Map<String, String> state = masterState(sentinel);
                if (!Integer.toString(REPLICAS).equals(state.get("num-slaves"))
                        || !Integer.toString(SENTINELS - 1).equals(state.get("num-other-sentinels"))
                        || !Integer.toString(servers.get(0).port()).equals(state.get("port"))) {
                    problem = sentinel + " sees " + state;
                    break;
                }
            }
            if (problem == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sentinels of " + this + " did not see the whole deployment within "
                        + READY_TIMEOUT_MILLIS / 1000 + " s: " + problem);
            }
            Processes.sleep(50);
        }
    }

    private static Map<String, String> masterState(RedisServer sentinel) {
        String[] fields = sentinel.execute("SENTINEL", "MASTER", MASTER_NAME).split("\n");
        Map<String, String> state = new HashMap<>();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            state.put(fields[i], fields[i + 1]);
        }
        return state;
    }

    private static int reportedMasterPort(RedisServer sentinel) {
        String reply = sentinel.execute("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        if (reply == null) {
            throw new IllegalStateException(sentinel + " does not know " + MASTER_NAME);
        }
        String[] hostPort = reply.split("\n");
        return Integer.parseInt(hostPort[1].trim());
    }

    private RedisServer serverOn(int port) {
        for (RedisServer server : servers) {
            if (server.port() == port) {
                return server;
            }
        }
        throw new IllegalStateException(
                "the sentinels name a master on port " + port + ", which " + this + " did not start");
    }

    private static String roleOf(RedisServer server) {
        if (!server.isRunning()) {
            return "(not running)";
        }
        try {
            return Resp.infoField(server.execute("INFO", "replication"), "role");
        } catch (RuntimeException e) {
            return "(no answer: " + e.getMessage() + ")";
        }
    }

    /**
     * redis-server runs as a sentinel when the name it is started under contains
     * {@code redis-sentinel}; the kit launches servers with a config file alone, so a link by that
     * name is what turns the normally selected binary into a sentinel.
     */
    private static Path sentinelLink(Path dir) throws IOException {
        Path serverBinary = RedisBinary.resolve().path().toAbsolutePath();
        return Files.createSymbolicLink(dir.resolve("redis-sentinel"), serverBinary);
    }

    /** Sentinels first and with SIGKILL: they need not save anything, and none must fail over meanwhile. */
    private static void closeAll(
            List<RedisServer> sentinels, List<RedisServer> servers, Path linkDir, Throwable primary) {
        RuntimeException failure = null;
        for (RedisServer sentinel : sentinels) {
            try {
                sentinel.kill();
                sentinel.close();
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
        }
        for (RedisServer server : servers) {
            try {
                if (server.isRunning()) {
                    server.kill();
                }
                server.close();
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
        }
        if (linkDir != null) {
            try {
                Files.deleteIfExists(linkDir.resolve("redis-sentinel"));
                Files.deleteIfExists(linkDir);
            } catch (IOException e) {
                failure = collect(failure, new UncheckedIOException(e));
            }
        }
        if (failure != null) {
            if (primary != null) {
                primary.addSuppressed(failure);
            } else {
                throw failure;
            }
        }
    }

    private static RuntimeException collect(RuntimeException failure, RuntimeException e) {
        if (failure == null) {
            return e;
        }
        failure.addSuppressed(e);
        return failure;
    }
}
