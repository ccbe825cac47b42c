package io.jrq.testkit;

import io.jrq.redisserver.Processes;
import io.jrq.redisserver.RedisBinary;
import io.jrq.redisserver.RedisProcess;
import io.jrq.redisserver.RedisProcess.PortInUseException;
import io.jrq.redisserver.Resp;
import io.jrq.redisserver.ServerConfig;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A real {@code redis-server} process on 127.0.0.1, owned by the test that started it.
 *
 * <p>Each server gets a free port and a private temporary working directory, runs without
 * persistence unless asked for, and logs into {@code redis.log} in that directory instead of the
 * test output. Which executable runs is described in the package documentation.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   client = RedisClient.create(redis.url());
 *   ...
 * }
 * }</pre>
 *
 * <p>Lifecycle methods are thread-safe. Servers still running when the JVM exits are killed.
 * The process itself is run by jrq-redis-server's {@link RedisProcess}, which {@code jrq demo}
 * uses too; this class adds what tests need on top (pause, shared servers, TLS, commands).
 */
public final class RedisServer implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final int COMMAND_READ_TIMEOUT_MILLIS = 60_000;
    private static final int PORT_ATTEMPTS = 5;

    private final RedisProcess redis;
    private final int port;
    private final int tlsPort;
    private final String password;

    private volatile boolean paused;
    private volatile boolean shared;
    private boolean closed;

    private RedisServer(RedisProcess redis, int tlsPort, String password) {
        this.redis = redis;
        this.port = redis.port();
        this.tlsPort = tlsPort;
        this.password = password;
    }

    /**
     * Starts a server with the defaults: a free port, no persistence, no password.
     *
     * @return a running server that answers PING
     */
    public static RedisServer start() {
        return builder().start();
    }

    /**
     * Returns a builder for a server with non-default settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the address the server binds, always {@code 127.0.0.1} so tests never listen on
     * external interfaces.
     *
     * @return the host name to connect to
     */
    public String host() {
        return HOST;
    }

    /**
     * Returns the TCP port, which stays the same across {@link #restart()}.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Returns a {@code redis://} URI that Lettuce and most clients accept, including the password
     * when one is set.
     *
     * @return the connection URI
     */
    public String url() {
        return redis.url();
    }

    /**
     * Returns the TLS port of a server built with {@link Builder#tls}; the plaintext
     * {@link #port()} stays open too, for the kit's own control connection.
     *
     * @return the TLS port, or 0 when TLS is off
     */
    public int tlsPort() {
        return tlsPort;
    }

    /**
     * Returns a {@code rediss://} URI of the TLS port, with the password when one is set.
     *
     * @return the TLS connection URI
     * @throws IllegalStateException when the server was not built with TLS
     */
    public String tlsUrl() {
        if (tlsPort == 0) {
            throw new IllegalStateException(this + " has no TLS port; build it with tls(...)");
        }
        // url() with the other scheme and port: it ends in ":" + port, and encodes the password.
        String plain = url();
        return "rediss" + plain.substring("redis".length(), plain.lastIndexOf(':') + 1) + tlsPort;
    }

    /**
     * Returns the process id of the current (or, after it stopped, the last) server process.
     *
     * @return the process id
     */
    public long pid() {
        return redis.pid();
    }

    /**
     * Tells whether the process is alive; a paused server counts as running.
     *
     * @return true while the process exists
     */
    public boolean isRunning() {
        return redis.isRunning();
    }

    /**
     * Returns the server version as reported by {@code INFO server} when it last started.
     *
     * @return a version such as {@code 7.0.15}
     */
    public String version() {
        return redis.version();
    }

    /**
     * Returns the server's working directory ({@code dir} directive), holding its config, log and
     * any RDB/AOF files. It is deleted by {@link #close()}.
     *
     * @return the private data directory
     */
    public Path dataDir() {
        return redis.dataDir();
    }

    /**
     * Runs one command on a fresh connection and returns the reply as text.
     *
     * <p>Status and bulk replies come back as they are, integers in decimal, arrays as their
     * rendered elements joined by newlines (nil elements as {@code (nil)}), and a nil reply as
     * {@code null}. Meant for administrative commands in tests ({@code CONFIG SET},
     * {@code INFO}, {@code DEBUG SLEEP}, {@code CLIENT KILL}), not for load.
     *
     * @param command the command name followed by its arguments
     * @return the rendered reply, or null for a nil reply
     * @throws IllegalStateException with the server's error text when it replies with an error
     * @throws UncheckedIOException when the server cannot be reached or does not answer within
     *     60 seconds
     */
    public String execute(String... command) {
        if (command.length == 0) {
            throw new IllegalArgumentException("no command given");
        }
        String name = command[0].toUpperCase(Locale.ROOT);
        if (name.equals("FLUSHALL") || name.equals("FLUSHDB") || name.equals("SHUTDOWN")) {
            requireNotShared(name);
        }
        try (Resp resp = Resp.connect(HOST, port, password, 2000, COMMAND_READ_TIMEOUT_MILLIS)) {
            return Resp.render(resp.call(command));
        } catch (EOFException e) {
            if (name.equals("SHUTDOWN")) {
                // A successful SHUTDOWN answers by closing the connection.
                return null;
            }
            throw new UncheckedIOException(describe(command) + " failed on " + this, e);
        } catch (IOException e) {
            throw new UncheckedIOException(describe(command) + " failed on " + this, e);
        }
    }

    /**
     * Waits until this replica has synced with its primary ({@code master_link_status:up} in
     * {@code INFO replication}).
     *
     * @param timeout how long to wait
     * @throws IllegalStateException when the link is not up in time
     */
    public void awaitReplicaLinkUp(java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String info = "";
        while (System.nanoTime() < deadline) {
            info = execute("INFO", "replication");
            if ("up".equals(Resp.infoField(info, "master_link_status"))) {
                return;
            }
            Processes.sleep(50);
        }
        throw new IllegalStateException(this + " did not sync with its primary within " + timeout + ":\n" + info);
    }

    /**
     * Shuts the server down with {@code SHUTDOWN NOSAVE}, or kills it if that does not work, and
     * waits for the process to exit. The data directory is kept, so {@link #restart()} can follow.
     */
    public synchronized void stop() {
        requireNotShared("stop");
        stopProcess();
    }

    /**
     * Kills the server with SIGKILL, as a crash would, and waits for the process to exit. Only
     * what was already fsynced to the AOF survives a later {@link #restart()}.
     */
    public synchronized void kill() {
        requireNotShared("kill");
        killProcess();
    }

    /**
     * Freezes the process with SIGSTOP: connections stay open but nothing is answered, which is
     * how a stalled or partitioned server looks to a client. {@link #execute(String...)} blocks
     * too until {@link #resume()}, so use a client with a short timeout to observe the stall.
     */
    public synchronized void pause() {
        requireNotShared("pause");
        requireRunning("pause");
        Signals.signal(pid(), "STOP");
        Signals.awaitStopped(pid(), true);
        paused = true;
    }

    /** Lets a {@link #pause() paused} server continue with SIGCONT. */
    public synchronized void resume() {
        requireRunning("resume");
        Signals.signal(pid(), "CONT");
        Signals.awaitStopped(pid(), false);
        paused = false;
    }

    /**
     * Starts the server again on the same port with the same data directory, stopping it first if
     * it still runs, and waits until it answers PING. With persistence enabled its data survives.
     */
    public synchronized void restart() {
        requireNotShared("restart");
        if (closed) {
            throw new IllegalStateException("cannot restart a closed server: " + this);
        }
        stopProcess();
        for (int attempt = 1; ; attempt++) {
            try {
                redis.launch();
                paused = false;
                return;
            } catch (PortInUseException e) {
                // The old process is gone, so only a stranger can hold the port; give it a moment.
                if (attempt >= PORT_ATTEMPTS) {
                    throw e;
                }
                Processes.sleep(200L * attempt);
            }
        }
    }

    /**
     * Deletes every key in every database. This kit only ever hands out servers it started itself,
     * so this can never wipe a developer's own Redis; shared servers refuse it.
     */
    public void flushAll() {
        requireNotShared("flushAll");
        execute("FLUSHALL");
    }

    /** Stops the server and deletes its data directory. Calling it again does nothing. */
    @Override
    public void close() {
        requireNotShared("close");
        release();
    }

    /**
     * Describes the server for test failure messages.
     *
     * @return host, port, pid and version
     */
    @Override
    public String toString() {
        long pid = redis.pid();
        String version = redis.version();
        return "RedisServer[" + HOST + ":" + port + (pid < 0 ? "" : ", pid " + pid)
                + (version == null ? "" : ", redis " + version) + "]";
    }

    /** Hands the server to many tests at once: from now on only {@link #release()} may end it. */
    void markShared() {
        shared = true;
    }

    /** Closes regardless of sharing; used by the owner of a shared server at the end of the run. */
    synchronized void release() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopProcess();
        } finally {
            redis.close();
        }
    }

    private void stopProcess() {
        if (paused) {
            // A stopped process cannot answer SHUTDOWN; SIGKILL is the only thing it still obeys.
            killProcess();
            return;
        }
        redis.stop();
    }

    private void killProcess() {
        redis.kill();
        paused = false;
    }

    private void requireRunning(String operation) {
        if (!isRunning()) {
            throw new IllegalStateException("cannot " + operation + " " + this + ": it is not running");
        }
    }

    private void requireNotShared(String operation) {
        if (shared) {
            throw new IllegalStateException(operation + " is not allowed on the shared " + this
                    + ": other tests use it at the same time. Use random key or queue names on shared "
                    + "servers, or declare the parameter as @Private to get a server of your own.");
        }
    }

    private static String describe(String[] command) {
        return Arrays.toString(command);
    }

    /**
     * Settings for a server that needs more than the defaults. Every setter returns the builder.
     */
    public static final class Builder {

        private int port;
        private String password;
        private boolean forceEmbedded;
        private Path binary;
        private TlsCertificates tls;
        private final ServerConfig config = new ServerConfig();

        private Builder() {}

        /**
         * Uses a fixed port instead of a free one. A taken fixed port fails the start instead of
         * being retried elsewhere.
         *
         * @param port a port from 1 to 65535, or 0 for a free one (the default)
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Turns the append-only file on or off (off by default).
         *
         * @param enabled whether to write an AOF
         * @return this builder
         */
        public Builder appendOnly(boolean enabled) {
            config.set("appendonly", enabled ? "yes" : "no");
            return this;
        }

        /**
         * Sets when the AOF is fsynced; {@code always} makes every acknowledged write survive
         * {@link RedisServer#kill()}.
         *
         * @param policy {@code always}, {@code everysec} or {@code no}
         * @return this builder
         */
        public Builder appendFsync(String policy) {
            String normalized = policy.toLowerCase(Locale.ROOT);
            if (!normalized.equals("always") && !normalized.equals("everysec") && !normalized.equals("no")) {
                throw new IllegalArgumentException("appendfsync must be always, everysec or no: " + policy);
            }
            config.set("appendfsync", normalized);
            return this;
        }

        /**
         * Adds a redis.conf directive. The value is written verbatim after the name, so directives
         * with several arguments work ({@code config("save", "60 1000")}), and a name given several
         * times yields several lines. A directive given here replaces the kit's default for it
         * ({@code save ""}, {@code appendonly no}). Port, bind address, directory, log file,
         * daemonizing and the password are managed by the kit and cannot be set this way.
         *
         * @param name a directive name such as {@code maxmemory-policy}
         * @param value its arguments as they would appear in redis.conf
         * @return this builder
         */
        public Builder config(String name, String value) {
            config.add(name, value);
            return this;
        }

        /**
         * Makes the server a replica of {@code primary} ({@code replicaof}, plus {@code masterauth}
         * when the primary has a password). {@link #start()} returns once the replica answers PING,
         * which may be before its first sync has finished; see
         * {@link RedisServer#awaitReplicaLinkUp(java.time.Duration)}.
         *
         * @param primary a running server started by this kit
         * @return this builder
         */
        public Builder replicaOf(RedisServer primary) {
            java.util.Objects.requireNonNull(primary, "primary");
            config.set("replicaof", HOST + " " + primary.port());
            if (primary.password != null) {
                config.set(
                        "masterauth",
                        "\"" + primary.password.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            }
            return this;
        }

        /**
         * Requires clients to authenticate ({@code requirepass}); {@link RedisServer#url()} then
         * carries the password.
         *
         * @param password the password, or null for none
         * @return this builder
         */
        public Builder password(String password) {
            if (password != null && (password.isEmpty() || password.contains("\n"))) {
                throw new IllegalArgumentException("password must be non-empty and on one line");
            }
            this.password = password;
            return this;
        }

        /**
         * Also listens for TLS on a second free port ({@link RedisServer#tlsPort()}), with the server
         * certificate of {@code certs}. Needs a redis-server built with TLS (Debian's is).
         *
         * @param certs the certificates, see {@link TlsCertificates#generate(Path)}
         * @param authClients true to require a client certificate signed by the same CA
         * @return this builder
         */
        public Builder tls(TlsCertificates certs, boolean authClients) {
            this.tls = certs;
            config.set("tls-cert-file", "\"" + certs.serverCert().toAbsolutePath() + "\"");
            config.set("tls-key-file", "\"" + certs.serverKey().toAbsolutePath() + "\"");
            config.set("tls-ca-cert-file", "\"" + certs.caCert().toAbsolutePath() + "\"");
            config.set("tls-auth-clients", authClients ? "yes" : "no");
            return this;
        }

        /**
         * Forces the redis-server packed in the embedded-redis jar even when another one is
         * installed, to test what happens on a machine without Redis.
         *
         * @param force true to force the embedded binary; false keeps the normal selection
         * @return this builder
         */
        public Builder embedded(boolean force) {
            this.forceEmbedded = force;
            return this;
        }

        /**
         * Runs this executable instead of the normal selection, for testing against a particular
         * Redis version.
         *
         * @param redisServer path to a redis-server executable, or null for the normal selection
         * @return this builder
         */
        public Builder binary(Path redisServer) {
            this.binary = redisServer;
            return this;
        }

        /**
         * Starts the server and waits until it answers PING.
         *
         * @return the running server
         * @throws IllegalStateException if it does not start within 10 seconds; the message holds the
         *     end of its log
         */
        public RedisServer start() {
            RedisBinary executable = RedisBinary.resolve(binary, forceEmbedded);
            // The TLS port is chosen again on each attempt, as it may be what another process took.
            int[] chosenTlsPort = {0};
            RedisProcess redis = RedisProcess.start(executable, port, password, config, () -> {
                if (tls != null) {
                    chosenTlsPort[0] = FreePorts.find();
                    config.set("tls-port", Integer.toString(chosenTlsPort[0]));
                }
            });
            return new RedisServer(redis, chosenTlsPort[0], password);
        }
    }
}
