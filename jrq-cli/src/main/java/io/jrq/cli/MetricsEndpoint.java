package io.jrq.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a Prometheus scrape on the JDK's own HTTP server: {@code GET /metrics} (and {@code HEAD})
 * answers with the text format 0.0.4, any other path with 404, any other method with 405 and an
 * {@code Allow} header. What {@code jrq worker --metrics-port} listens with.
 *
 * <p>It has no authentication and no TLS, as Prometheus' own exporters: whoever reaches the port
 * reads the metrics, which is why the worker binds it to loopback unless told otherwise. Requests
 * run on two daemon threads; a scrape only writes out what the registry holds, so two suffice.
 */
final class MetricsEndpoint implements AutoCloseable {
    /** The content type of the Prometheus text format 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final String PATH = "/metrics";
    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final HttpServer server;
    private final ExecutorService pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsEndpoint(HttpServer server, ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    /**
     * Listens and serves until {@link #close()}.
     *
     * @param address where to listen, e.g. 127.0.0.1:9400
     * @param scrape the body of each scrape, in the text format 0.0.4
     * @return the running endpoint
     * @throws IOException when the address cannot be listened on (the port is taken, the address is
     *     not this machine's)
     */
    static MetricsEndpoint start(InetSocketAddress address, Supplier<String> scrape) throws IOException {
        // As in DashboardServer: without TCP_NODELAY each response waits out the client's delayed
        // ACK (about 40 ms). The JDK server reads this once, when its first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "jrq-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", ex -> handle(ex, scrape));
        server.start();
        return new MetricsEndpoint(server, pool);
    }

    /** @return the scrape's URL, e.g. {@code http://127.0.0.1:9400/metrics} */
    URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + PATH);
    }

    private static void handle(HttpExchange ex, Supplier<String> scrape) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!ex.getRequestURI().getRawPath().equals(PATH)) {
                send(ex, 404, "text/plain; charset=utf-8", "not found: the metrics are at " + PATH + "\n");
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain; charset=utf-8", "method " + method + " is not allowed: GET " + PATH + "\n");
                return;
            }
            String body;
            try {
                body = scrape.get();
            } catch (RuntimeException e) {
                log.warn("metrics scrape failed", e);
                send(
                        ex,
                        500,
                        "text/plain; charset=utf-8",
                        "the metrics could not be written; the worker's log has the details\n");
                return;
            }
            send(ex, 200, CONTENT_TYPE, body);
        }
    }

    private static void send(HttpExchange ex, int status, String contentType, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        if (ex.getRequestMethod().equals("HEAD")) {
            // The length a GET would get; the JDK server sends no body for a HEAD given -1.
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    /** Stops listening at once; a scrape under way is cut off. Closing twice does nothing more. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            pool.shutdownNow();
        }
    }
}
