package io.jrq.redisserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} child process on 127.0.0.1, with a private temporary directory that holds
 * its generated {@code redis.conf}, its log ({@code redis.log}) and any data files.
 *
 * <pre>{@code
 * try (RedisProcess redis = RedisProcess.start()) {
 *   Jrq jrq = Jrq.connect(redis.url());
 *   ...
 * }
 * }</pre>
 *
 * <p>Which executable runs is decided by {@link RedisBinary}. Lifecycle methods are thread-safe.
 * Servers still running when the JVM exits are killed and their directories deleted, so that an
 * aborted run leaves no process holding a port.
 */
public final class RedisProcess implements AutoCloseable {

    /** Redis cluster nodes also listen on port + 10000 (the cluster bus). */
    public static final int CLUSTER_BUS_OFFSET = 10000;

    private static final Logger LOG = LoggerFactory.getLogger(RedisProcess.class);
    private static final String HOST = "127.0.0.1";
    private static final long READY_TIMEOUT_MILLIS = 10_000;
    private static final long EXIT_TIMEOUT_SECONDS = 10;
    private static final int PORT_ATTEMPTS = 5;

    private final RedisBinary binary;
    private final int port;
    private final String password;
    private final Path dataDir;
    private final Path configFile;
    private final Path logFile;

    private volatile Process process;
    private volatile String version;
    private boolean closed;

    private RedisProcess(RedisBinary binary, int port, String password, Path dataDir) {
        this.binary = binary;
        this.port = port;
        this.password = password;
        this.dataDir = dataDir;
        this.configFile = dataDir.resolve("redis.conf");
        this.logFile = dataDir.resolve("redis.log");
    }

    /**
     * Starts the normally selected redis-server on a free port, without persistence or password, and
     * waits until it answers PING.
     *
     * @return the running server
     * @throws IllegalStateException if no redis-server can be run, or it does not start within 10
     *     seconds; the message then holds the end of its log
     */
    public static RedisProcess start() {
        return start(RedisBinary.resolve(), 0, null, new ServerConfig(), () -> {});
    }

    /**
     * Starts a server and waits until it answers PING.
     *
     * <p>With port 0 it takes a free port (whose cluster bus port is free too when {@code config}
     * enables cluster mode) and, when another process takes that port before redis-server binds it,
     * tries again on another one. A fixed port is tried once.
     *
     * @param binary the executable to run
     * @param port the port, or 0 for a free one
     * @param password the password clients must give, or null for none
     * @param config the directives beyond the defaults
     * @param beforeEachAttempt called before the config is written for each attempt, so that the
     *     caller can set directives that must change on a retry (another free port of its own)
     * @return the running server
     * @throws IllegalStateException if it does not start within 10 seconds; the message holds the
     *     end of its log
     */
    public static RedisProcess start(
            RedisBinary binary, int port, String password, ServerConfig config, Runnable beforeEachAttempt) {
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(config, "config");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        int companion = config.isClusterEnabled() ? CLUSTER_BUS_OFFSET : 0;
        for (int attempt = 1; ; attempt++) {
            int chosen = port != 0 ? port : FreePorts.findWithCompanion(companion);
            RedisProcess server = new RedisProcess(binary, chosen, password, createDataDir(chosen));
            try {
                beforeEachAttempt.run();
                config.write(
                        server.configFile, chosen, server.dataDir, server.logFile, password, binary.majorVersion());
                server.launch();
                return server;
            } catch (PortInUseException e) {
                server.close();
                if (port != 0 || attempt >= PORT_ATTEMPTS) {
                    throw e;
                }
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
    }

    /**
     * Returns the address the server binds, always {@code 127.0.0.1}, so that it never listens on
     * external interfaces.
     *
     * @return the host to connect to
     */
    public String host() {
        return HOST;
    }

    /**
     * Returns the TCP port, which stays the same across a relaunch.
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
        String auth = password == null ? "" : ":" + percentEncode(password) + "@";
        return "redis://" + auth + HOST + ":" + port;
    }

    /**
     * Returns the process id of the current (or, after it stopped, the last) server process.
     *
     * @return the process id, or -1 before the first launch
     */
    public long pid() {
        Process current = process;
        return current == null ? -1 : current.pid();
    }

    /**
     * Tells whether the process is alive.
     *
     * @return true while the process exists
     */
    public boolean isRunning() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /**
     * Returns the server version as reported by {@code INFO server} when it last started.
     *
     * @return a version such as {@code 7.0.15}
     */
    public String version() {
        return version;
    }

    /**
     * Returns the server's working directory, holding its config, log and any RDB/AOF files. It is
     * deleted by {@link #close()}.
     *
     * @return the private directory
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Starts the process again from the same config file, on the same port and in the same
     * directory, and waits until it answers PING. The previous process must have exited.
     *
     * @throws PortInUseException when another process holds the port
     * @throws IllegalStateException if it does not start within 10 seconds, or after {@link #close()}
     */
    public synchronized void launch() {
        if (closed) {
            throw new IllegalStateException("cannot launch a closed server on port " + port);
        }
        ProcessBuilder builder = new ProcessBuilder(binary.path().toString(), configFile.toString())
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(logFile.toFile()));
        Process started;
        try {
            started = Processes.start(builder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary.path() + " (" + binary.origin() + ")", e);
        }
        try {
            started.getOutputStream().close();
        } catch (IOException ignored) {
            // Redis never reads stdin; closing it only frees the pipe.
        }
        process = started;
        Reaper.register(this);
        awaitReady(started);
        LOG.debug("started redis-server {} on port {}, pid {}, from {}", version, port, started.pid(), binary.path());
    }

    /**
     * Shuts the server down with {@code SHUTDOWN NOSAVE}, or kills it if that does not work, and
     * waits for the process to exit. The directory is kept, so {@link #launch()} can follow.
     */
    public synchronized void stop() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        try (Resp resp = Resp.connect(HOST, port, password, 1000, 5000)) {
            resp.call("SHUTDOWN", "NOSAVE");
        } catch (IOException | IllegalStateException expectedOrIgnored) {
            // Success closes the connection; anything else is handled by the kill below.
        }
        if (!Processes.awaitExit(current, EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /**
     * Kills the server with SIGKILL, as a crash would, and waits for the process to exit.
     *
     * @throws IllegalStateException if it has not exited 10 seconds later
     */
    public synchronized void kill() {
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroyForcibly();
        if (!Processes.awaitExit(current, EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("redis-server pid " + current.pid() + " did not exit within "
                    + EXIT_TIMEOUT_SECONDS + " s of SIGKILL");
        }
    }

    /** Stops the server and deletes its directory. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            Reaper.unregister(this);
            try {
                Reaper.deleteTree(dataDir);
            } catch (UncheckedIOException e) {
                LOG.warn("could not delete {}", dataDir, e);
            }
        }
    }

    /**
     * Describes the server for error messages.
     *
     * @return host, port, pid and version
     */
    @Override
    public String toString() {
        long pid = pid();
        return "redis-server[" + HOST + ":" + port + (pid < 0 ? "" : ", pid " + pid)
                + (version == null ? "" : ", redis " + version) + "]";
    }

    /**
     * Called from the shutdown hook; deliberately unsynchronized so that a thread stuck inside a
     * lifecycle method cannot block JVM exit.
     */
    void reap() {
        Process current = process;
        if (current != null && current.isAlive()) {
            current.destroyForcibly();
            Processes.awaitExit(current, 2, TimeUnit.SECONDS);
        }
        try {
            Reaper.deleteTree(dataDir);
        } catch (RuntimeException ignored) {
            // Best effort while the JVM is exiting.
        }
    }

    /**
     * Polls until this very process answers PING. Checking the pid guards against a stranger that
     * already listens on the port answering in its place while ours is failing to bind.
     */
    private void awaitReady(Process started) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
        String lastProblem = "no answer yet";
        while (true) {
            if (!started.isAlive()) {
                String tail = logTail();
                if (tail.contains("Address already in use")) {
                    throw new PortInUseException(port, tail);
                }
                throw new IllegalStateException("redis-server exited with code " + started.exitValue()
                        + " while starting on port " + port + " (" + binary.path() + ", " + binary.origin()
                        + ")\n--- " + logFile + " ---\n" + tail);
            }
            try (Resp resp = Resp.connect(HOST, port, password, 250, 1000)) {
                String info = Resp.render(resp.call("INFO", "server"));
                if (String.valueOf(started.pid()).equals(Resp.infoField(info, "process_id"))) {
                    resp.call("PING");
                    version = Resp.infoField(info, "redis_version");
                    return;
                }
                lastProblem = "another process answers on port " + port;
            } catch (IOException | IllegalStateException e) {
                lastProblem = e.toString();
            }
            if (System.nanoTime() > deadline) {
                started.destroyForcibly();
                Processes.awaitExit(started, EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                throw new IllegalStateException("redis-server did not answer PING on port " + port
                        + " within " + READY_TIMEOUT_MILLIS / 1000 + " s (" + binary.path() + ", "
                        + binary.origin() + "); last problem: " + lastProblem + "\n--- " + logFile + " ---\n"
                        + logTail());
            }
            Processes.sleep(20);
        }
    }

    private String logTail() {
        try {
            byte[] bytes = Files.readAllBytes(logFile);
            int from = Math.max(0, bytes.length - 4000);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static Path createDataDir(int port) {
        try {
            return Files.createTempDirectory("jrq-redis-" + port + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary data directory", e);
        }
    }

    /** Userinfo in a URI allows only unreserved characters literally. */
    private static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean unreserved = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~';
            if (unreserved) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** Thrown when the port was taken between choosing it and redis binding it. */
    public static final class PortInUseException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortInUseException(int port, String logTail) {
            super("port " + port + " is already in use\n" + logTail);
        }
    }
}
