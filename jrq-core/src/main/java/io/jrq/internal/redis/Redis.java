package io.jrq.internal.redis;

import io.jrq.JrqException;
import io.jrq.JrqOptions;
import io.jrq.RedisFullException;
import io.jrq.RedisUnavailableException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one place that talks to Lettuce: opens the shared connection (standalone, sentinel or
 * cluster), dedicated connections for blocking commands and pub/sub, and turns driver exceptions
 * into jrq's. Lettuce reconnects dropped connections by itself; commands issued meanwhile wait up
 * to the command timeout.
 */
public final class Redis implements AutoCloseable {
    private final RedisEndpoint endpoint;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> async;
    private final Commands commands;
    private final Duration timeout;
    private volatile boolean closed;
    private static final CompletableFuture<Void> CONNECTED = CompletableFuture.completedFuture(null);
    private static final long RECONNECT_POLL_MS = 20;
    private static final int TLS_PROBE_TIMEOUT_MS = 1000;
    /**
     * How soon after one adaptive topology refresh (a node's reconnects failing, a MOVED or ASK
     * reply) another may run. Lettuce's default of 30 s spends its one refresh when a killed
     * primary's reconnects first fail, while the cluster still names it, and then keeps the client
     * on the dead node for 30 s more; at 1 s the next failed reconnect after the replica took over
     * finds the new primary (ClusterFailoverIT: producer and worker carry on within 1.5 s of the
     * failover, against about 30 s before).
     */
    private static final Duration ADAPTIVE_REFRESH_GAP = Duration.ofSeconds(1);
    /**
     * A refresh even when no trigger fires (a topology change this client's commands never run
     * into); each one reads CLUSTER NODES from every node, cheap at this rate.
     */
    private static final Duration PERIODIC_REFRESH = Duration.ofSeconds(5);

    private Redis(RedisEndpoint endpoint, Duration timeout, TlsConfig tls) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        // Reconnect attempts back off up to 250 ms, not Lettuce's 30 s: a worker whose connection was
        // killed must be subscribed again long before other workers' quick recovery (LivenessCheck)
        // would take it for dead, even when the first attempts are killed too.
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(io.lettuce.core.resource.Delay.exponential(
                        java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(250), 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder()
                .connectTimeout(Duration.ofSeconds(5))
                .keepAlive(true)
                .build();
        TimeoutOptions timeouts = TimeoutOptions.builder()
                .timeoutSource(new CommandTimeouts(timeout))
                .build();
        try {
            if (endpoint.isCluster()) {
                RedisClusterClient c = RedisClusterClient.create(resources, endpoint.uris());
                c.setOptions(ClusterClientOptions.builder()
                        .autoReconnect(true)
                        .socketOptions(socket)
                        .timeoutOptions(timeouts)
                        .sslOptions(tls.sslOptions())
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enableAllAdaptiveRefreshTriggers()
                                .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_GAP)
                                .enablePeriodicRefresh(PERIODIC_REFRESH)
                                .build())
                        // A node taken for failed (or about to be) that serves no slots, such as a primary
                        // whose slots its replica took over, leaves the topology, so
                        // that its connection is closed as stale (closeStaleConnections, on by default) and
                        // the commands waiting on it are routed again or failed at once; kept, they wait out
                        // the command timeout (ClusterFailoverIT: the in-flight enqueue and the worker's
                        // fetch stood still 10 s). One that still serves slots is kept, else those slots
                        // would be unserved until the failover and every command for them fail at once
                        // ("Cannot determine a partition for slot") instead of waiting for the new primary.
                        // dynamicRefreshSources stays on (Lettuce's default): the refresh asks every
                        // known node, not only the seeds of the URL, one of which may be the dead one.
                        .nodeFilter(node -> !(node.hasNoSlots()
                                && (node.is(RedisClusterNode.NodeFlag.FAIL)
                                        || node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL))))
                        .build());
                this.client = c;
                StatefulRedisClusterConnection<String, String> conn = c.connect();
                this.connection = conn;
                this.async = conn.async();
                this.commands = new Commands(async);
            } else {
                RedisClient c = RedisClient.create(resources, endpoint.uris().get(0));
                c.setOptions(ClientOptions.builder()
                        .autoReconnect(true)
                        .replayFilter(Redis::leases)
                        .socketOptions(socket)
                        .timeoutOptions(timeouts)
                        .sslOptions(tls.sslOptions())
                        .build());
                this.client = c;
                StatefulRedisConnection<String, String> conn = c.connect();
                this.connection = conn;
                this.async = conn.async();
                this.commands = new Commands(async);
            }
        } catch (RuntimeException e) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw unavailable(endpoint, e);
        }
    }

    /**
     * @param options the client's options
     * @return a connected instance
     * @throws RedisUnavailableException naming host:port and the cause when Redis cannot be reached
     */
    public static Redis connect(JrqOptions options) {
        TlsConfig tls = TlsConfig.of(options);
        return new Redis(tls.apply(RedisEndpoint.parse(options.url())), options.commandTimeout(), tls);
    }

    static RedisUnavailableException unavailable(RedisEndpoint endpoint, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // Lettuce's messages may quote URIs it built itself, with its own mask of the password.
        String why = root.getMessage() == null
                ? root.getClass().getSimpleName()
                : RedisEndpoint.redactText(root.getMessage());
        return new RedisUnavailableException(
                "cannot connect to Redis at " + endpoint.describe() + ": " + tlsHint(endpoint, e) + why, e);
    }

    /** Says plainly when the failure is TLS's, since the root message alone ("PKIX path building failed") is cryptic. */
    private static String tlsHint(RedisEndpoint endpoint, Throwable e) {
        boolean tls = endpoint.uris().stream().anyMatch(RedisURI::isSsl);
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof javax.net.ssl.SSLException) {
                if (m.contains("certificate_required") || m.contains("bad_certificate") || m.contains("unknown_ca")) {
                    return "TLS handshake failed, the server refused this client's certificate (mutual TLS: see JrqOptions.tlsClientCertificate): ";
                }
                if (m.contains("PKIX")
                        || m.contains("certification path")
                        || m.contains("No subject alternative")
                        || m.contains("No name matching")
                        || t.getCause() instanceof java.security.cert.CertificateException) {
                    return "TLS handshake failed, the server's certificate could not be verified (is its CA trusted and its name the URL's host? "
                            + "see JrqOptions.tlsCaFile): ";
                }
                return "TLS handshake failed (is the server listening for TLS on this port?): ";
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(root.getMessage());
        // A plaintext client on a TLS port is dropped at once: closed, reset, or bytes that are not
        // RESP. So is a client of a server that crashed or dropped it while it connected, so only
        // a TLS handshake that the port answers as a TLS server earns the hint.
        boolean dropped = m.contains("reset")
                || m.contains("closed")
                || root instanceof io.lettuce.core.protocol.RedisProtocolException;
        if (!tls && dropped && speaksTls(endpoint)) {
            return "the server closed the connection, and it speaks TLS on this port (use rediss://, see JrqOptions.tlsCaFile): ";
        }
        return "";
    }

    private static boolean speaksTls(RedisEndpoint endpoint) {
        RedisURI uri = endpoint.uris().get(0);
        return uri.getHost() != null
                && uri.getSocket() == null
                && TlsProbe.speaksTls(uri.getHost(), uri.getPort(), TLS_PROBE_TIMEOUT_MS);
    }

    /** @return the endpoint this instance talks to */
    public RedisEndpoint endpoint() {
        return endpoint;
    }

    /** @return async commands on the shared, auto-pipelined connection; thread-safe */
    public RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /**
     * @param key a key
     * @return on a cluster, the id of the master that serves the key's slot in the topology this
     *     client knows ("" when none does); elsewhere "" (one server holds every key)
     */
    public String nodeOf(String key) {
        if (client instanceof RedisClusterClient c) {
            RedisClusterNode node = c.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
            return node == null ? "" : node.getNodeId();
        }
        return "";
    }

    /**
     * Whether this client's connection to the master of a key's slot is open now, without waiting:
     * on a cluster, a node whose connection dropped (a master killed, not yet failed over) answers
     * nothing until the cluster replaces it, and a command sent to it waits out the command timeout
     * or the failover. A worker serving several partitions skips such a one, so that the others go
     * on being served. Elsewhere always true (there is one server; its outage stops everything).
     *
     * @param key a key of the slot
     * @return false when the connection to the slot's master is closed, still being opened, or
     *     the slot has no master in this client's topology
     */
    public boolean isUp(String key) {
        if (!(connection instanceof StatefulRedisClusterConnection<String, String> c)) {
            return true;
        }
        String node = nodeOf(key);
        if (node.isEmpty()) {
            return false;
        }
        CompletableFuture<io.lettuce.core.api.StatefulRedisConnection<String, String>> f = c.getConnectionAsync(node);
        return f.isDone() && !f.isCompletedExceptionally() && f.join().isOpen();
    }

    /** @return on a cluster, the ids of the masters that serve slots; elsewhere an empty list */
    public List<String> masters() {
        if (client instanceof RedisClusterClient c) {
            List<String> ids = new java.util.ArrayList<>();
            for (RedisClusterNode n : c.getPartitions()) {
                if (n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.getSlots().isEmpty()) {
                    ids.add(n.getNodeId());
                }
            }
            return ids;
        }
        return List.of();
    }

    /** @return the plain commands, on the shared, auto-pipelined connection; thread-safe */
    public Commands commands() {
        return commands;
    }

    /** @return a new connection for blocking commands, so they never stall the shared one */
    public BlockingConnection openBlocking() {
        try {
            if (client instanceof RedisClusterClient c) {
                return new BlockingConnection(c.connect());
            }
            return new BlockingConnection(((RedisClient) client).connect());
        } catch (RuntimeException e) {
            throw unavailable(endpoint, e);
        }
    }

    /**
     * @return a new connection of the caller's own for commands that block the connection they run
     *     on ({@code WAIT}, {@code WAITAOF}) and must follow the write they confirm on the same connection
     */
    public DedicatedConnection openDedicated() {
        try {
            if (client instanceof RedisClusterClient c) {
                return new DedicatedConnection(c.connect());
            }
            return new DedicatedConnection(((RedisClient) client).connect());
        } catch (RuntimeException e) {
            throw unavailable(endpoint, e);
        }
    }

    /** @return the command timeout of this client */
    public Duration timeout() {
        return timeout;
    }

    /**
     * @param listener told of every message and (re)subscription
     * @return a new pub/sub connection; Lettuce resubscribes its channels after a reconnect
     */
    public PubSub openPubSub(PubSub.Listener listener) {
        return new PubSub(openPubSub(), listener);
    }

    private StatefulRedisPubSubConnection<String, String> openPubSub() {
        try {
            if (client instanceof RedisClusterClient c) {
                return c.connectPubSub();
            }
            return ((RedisClient) client).connectPubSub();
        } catch (RuntimeException e) {
            throw unavailable(endpoint, e);
        }
    }

    /**
     * Waits for a command's reply, translating failures.
     *
     * @param stage the pending reply
     * @param <T> reply type
     * @return the reply
     */
    public <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrqException("interrupted while waiting for Redis", e);
        } catch (TimeoutException e) {
            throw new RedisUnavailableException(
                    "Redis at " + endpoint.describe() + " did not answer within " + timeout, e);
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        } catch (CancellationException e) {
            throw translate(e);
        }
    }

    /**
     * Commands Lettuce must not send again after a reconnect: a fetch that was sent may have run and
     * leased jobs whose reply is lost; sent again, it would lease more and succeed, and the worker
     * would never learn of the first ones (they would wait out their lease). Not replayed, it fails,
     * and the worker gives back what it may have leased (unclaimed.lua).
     *
     * <p>Lettuce drops a command this filter holds back (one issued while the connection is down, or
     * whose write failed) without completing it, so the fetch is failed here: else the worker's loop
     * would wait out the whole command timeout after every reconnect (a restart, a Sentinel failover)
     * before it fetched again.
     */
    private static boolean leases(io.lettuce.core.protocol.RedisCommand<?, ?, ?> command) {
        String type = command.getType().toString();
        if ((!"EVALSHA".equals(type) && !"EVAL".equals(type)) || command.getArgs() == null) {
            return false;
        }
        String args = command.getArgs().toCommandString();
        boolean fetch = args.startsWith(Script.FETCH.sha()) || args.startsWith("-- fetch.lua");
        if (fetch) {
            command.completeExceptionally(new io.lettuce.core.RedisConnectionException(
                    "fetch.lua not sent: the connection to Redis is down, and a fetch is never sent twice"));
        }
        return fetch;
    }

    /**
     * @param e a failure of a command
     * @return the jrq exception to throw for it
     */
    public RuntimeException translate(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof JrqException je) {
            return je;
        }
        if (e instanceof RedisCommandExecutionException ce) {
            if (isOom(ce.getMessage())) {
                return new RedisFullException(
                        full(endpoint) + " refused a write (" + firstSentence(ce.getMessage()) + ")", ce);
            }
            RuntimeException mapped = ScriptError.map(ce.getMessage());
            if (mapped != null) {
                return mapped;
            }
            return new JrqException("Redis at " + endpoint.describe() + " refused a command: " + ce.getMessage(), ce);
        }
        if (e instanceof RedisCommandTimeoutException || e instanceof RedisConnectionException) {
            return new RedisUnavailableException(
                    "Redis at " + endpoint.describe() + " is unavailable: " + RedisEndpoint.redactText(e.getMessage()),
                    e);
        }
        if (e instanceof CancellationException) {
            // Lettuce cancels the commands waiting on a cluster node's connection that it closes
            // (the node left the topology, as a failed primary does once a replica took over).
            return new RedisUnavailableException(
                    "Redis at " + endpoint.describe() + ": the command was canceled, its connection was closed", e);
        }
        if (e instanceof io.lettuce.core.RedisException) {
            return new RedisUnavailableException(
                    "Redis at " + endpoint.describe() + ": " + RedisEndpoint.redactText(e.getMessage()), e);
        }
        if (e instanceof RuntimeException re) {
            return re;
        }
        return new JrqException(String.valueOf(e.getMessage()), e);
    }

    /**
     * @param t a failure of a command
     * @return whether it is Redis' error reply (the command was refused and did nothing), not a
     *     failure to send it or to read its reply
     */
    public static boolean isErrorReply(Throwable t) {
        return t instanceof RedisCommandExecutionException;
    }

    /**
     * @param message an error reply
     * @return whether it is Redis's refusal of a write at maxmemory ("OOM command not allowed when
     *     used memory > 'maxmemory'"), also as raised inside a script (Redis 6.2 wraps it:
     *     "ERR Error running script ... -OOM command not allowed ...")
     */
    static boolean isOom(String message) {
        return message != null && (message.startsWith("OOM ") || message.contains("-OOM command not allowed"));
    }

    /**
     * @param endpoint the server
     * @return the words every message about a full Redis starts with
     */
    public static String full(RedisEndpoint endpoint) {
        return "Redis is full (maxmemory reached, and its maxmemory-policy evicts nothing more): Redis at "
                + endpoint.describe();
    }

    /** Error replies from scripts go on with where in which script: the first sentence is the reason. */
    private static String firstSentence(String message) {
        int end = message.indexOf(". ");
        return end > 0 ? message.substring(0, end + 1) : message;
    }

    /**
     * Whether the shared connection is up, for callers that must know that a command was not sent:
     * a command issued while it is down waits in the driver and is sent after the reconnect.
     *
     * @return completed at once when the connection is up (or, in a cluster, where one connection per
     *     node makes the answer meaningless); else once it is back, or failed with a
     *     {@link RedisUnavailableException} after the command timeout, in which case nothing was sent
     */
    public CompletableFuture<Void> whenConnected() {
        if (!(connection instanceof StatefulRedisConnection) || connection.isOpen()) {
            return CONNECTED;
        }
        CompletableFuture<Void> up = new CompletableFuture<>();
        awaitReconnect(up, System.nanoTime() + timeout.toNanos());
        return up;
    }

    private void awaitReconnect(CompletableFuture<Void> up, long deadline) {
        if (connection.isOpen()) {
            up.complete(null);
        } else if (closed || System.nanoTime() - deadline >= 0) {
            up.completeExceptionally(new RedisUnavailableException(
                    "Redis at " + endpoint.describe()
                            + (closed
                                    ? ": this client is closed"
                                    : " is unreachable: the connection has been down for at least " + timeout),
                    null));
        } else {
            CompletableFuture.delayedExecutor(RECONNECT_POLL_MS, TimeUnit.MILLISECONDS)
                    .execute(() -> awaitReconnect(up, deadline));
        }
    }

    /**
     * The command timeout for every command but {@code WAIT} and {@code WAITAOF}, which block by
     * design for as long as their own timeout says; their caller bounds the wait itself.
     */
    private static final class CommandTimeouts extends TimeoutOptions.TimeoutSource {
        private final long millis;

        CommandTimeouts(Duration timeout) {
            this.millis = timeout.toMillis();
        }

        @Override
        public long getTimeout(io.lettuce.core.protocol.RedisCommand<?, ?, ?> command) {
            String type = command.getType() == null ? "" : command.getType().toString();
            return type.equals("WAIT") || type.equals("WAITAOF") ? 0 : millis;
        }

        @Override
        public TimeUnit getTimeUnit() {
            return TimeUnit.MILLISECONDS;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
