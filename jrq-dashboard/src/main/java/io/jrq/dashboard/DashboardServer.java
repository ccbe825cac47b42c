package io.jrq.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jrq.dashboard.internal.Exchange;
import io.jrq.dashboard.internal.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Serves a {@link Dashboard} on the JDK's own HTTP server (no other dependency): what
 * {@code jrq dashboard} runs. Requests run on a bounded pool of threads; each open live page holds
 * one, so the pool is sized for the dashboard's live-stream limit plus page requests.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Pattern BASE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)*");
    private final HttpServer server;
    private final ExecutorService pool;
    private final String basePath;

    private DashboardServer(HttpServer server, ExecutorService pool, String basePath) {
        this.server = server;
        this.pool = pool;
        this.basePath = basePath;
    }

    /**
     * @param dashboard the dashboard to serve
     * @param bind the address to listen on, e.g. {@code 127.0.0.1}
     * @param port the port, 0 for any free one
     * @param basePath the path prefix the dashboard lives under ("" or e.g. {@code /jrq}), for a
     *     reverse proxy that forwards that prefix unchanged
     * @return the running server
     * @throws IllegalArgumentException for a bad port or base path
     * @throws java.io.UncheckedIOException when the port cannot be bound
     */
    public static DashboardServer start(Dashboard dashboard, String bind, int port, String basePath) {
        Objects.requireNonNull(dashboard, "dashboard");
        Objects.requireNonNull(bind, "bind");
        String base = normalize(basePath);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        // Without TCP_NODELAY a small response (headers, then a short body) waits out the client's
        // delayed ACK: about 40 ms per request on Linux, measured with DashboardRender. The JDK
        // server reads this setting once, when its first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(8, 96, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256), r -> {
                    Thread t = new Thread(r, "jrq-dashboard-http");
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(pool);
        server.createContext(base.isEmpty() ? "/" : base, ex -> dashboard.handle(new JdkExchange(ex, base)));
        if (!base.isEmpty()) {
            // the bare root sends a browser to the dashboard; every other path outside it is unknown
            server.createContext("/", ex -> {
                try (ex) {
                    boolean root = ex.getRequestURI().getRawPath().equals("/");
                    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                    if (root) {
                        ex.getResponseHeaders().set("Location", base + "/");
                    }
                    byte[] body = (root ? "" : "not found: the dashboard is under " + base + "/")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(root ? 303 : 404, body.length == 0 ? -1 : body.length);
                    if (body.length > 0) {
                        ex.getResponseBody().write(body);
                    }
                }
            });
        }
        server.start();
        return new DashboardServer(server, pool, base);
    }

    static String normalize(String basePath) {
        String b = basePath == null ? "" : basePath.trim();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        if (!b.isEmpty() && !b.startsWith("/")) {
            b = "/" + b;
        }
        if (b.length() > 200 || !BASE_PATH.matcher(b).matches()) {
            throw new IllegalArgumentException(
                    "base path must be like /jrq or /ops/jrq (letters, digits, . _ ~ -), got '" + basePath + "'");
        }
        return b;
    }

    /** @return the port listened on */
    public int port() {
        return server.getAddress().getPort();
    }

    /** @return the dashboard's URL, e.g. {@code http://127.0.0.1:9181/jrq/} */
    public URI uri() {
        String host = server.getAddress().getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port() + basePath + "/");
    }

    /** Stops listening, ending open live pages within a second. */
    @Override
    public void close() {
        server.stop(1);
        pool.shutdownNow();
    }

    /** {@link Exchange} over the JDK server's exchange. */
    private static final class JdkExchange implements Exchange {
        private final HttpExchange ex;
        private final String base;

        JdkExchange(HttpExchange ex, String base) {
            this.ex = ex;
            this.base = base;
        }

        @Override
        public String method() {
            return ex.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
        }

        @Override
        public String mountPath() {
            return base;
        }

        @Override
        public String path() {
            String p = ex.getRequestURI().getRawPath();
            String rest = p.length() > base.length() ? p.substring(base.length()) : "/";
            return rest.startsWith("/") ? rest : "/" + rest;
        }

        @Override
        public String query() {
            return ex.getRequestURI().getRawQuery();
        }

        @Override
        public String header(String name) {
            return ex.getRequestHeaders().getFirst(name);
        }

        @Override
        public String remoteAddress() {
            return ex.getRemoteAddress().getAddress().getHostAddress();
        }

        @Override
        public boolean secure() {
            return false;
        }

        @Override
        public InputStream body() {
            return ex.getRequestBody();
        }

        @Override
        public void send(Response r) throws IOException {
            try (ex) {
                headers(r);
                byte[] b = r.body();
                ex.sendResponseHeaders(r.status(), b.length == 0 ? -1 : b.length);
                if (b.length > 0) {
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(b);
                    }
                }
            }
        }

        @Override
        public OutputStream stream(Response head) throws IOException {
            headers(head);
            ex.sendResponseHeaders(head.status(), 0);
            return ex.getResponseBody();
        }

        private void headers(Response r) {
            for (Map.Entry<String, String> h : r.headers()) {
                ex.getResponseHeaders().add(h.getKey(), h.getValue());
            }
        }
    }
}
