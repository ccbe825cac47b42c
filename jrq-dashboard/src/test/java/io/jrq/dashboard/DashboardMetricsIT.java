package io.jrq.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Jrq;
import io.jrq.testkit.PrometheusText;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /metrics} over real HTTP and a real Redis, read with the Prometheus project's own text
 * parser ({@link PrometheusText}): the queue gauges of the dashboard's client, let in by HTTP Basic
 * or a session (never by nothing), throttled as a login, decided by the application's security
 * when it authenticates, and read from the first scrape until the dashboard closes.
 */
@ExtendWith(RedisExtension.class)
class DashboardMetricsIT {
    static final String USER = "prometheus";
    static final String PASSWORD = "scrape-secret-1";
    static final String MOUNT = "/jrq";
    static final int JOBS = 7;
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static Jrq jrq;
    static Dashboard dashboard;
    static DashboardServer server;
    static Http anon;
    static String root;
    static String queue;

    @BeforeAll
    static void start(RedisServer redis) {
        jrq = Jrq.connect(redis.url());
        queue = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < JOBS; i++) {
            jrq.queue(queue).enqueue("nobody-runs-this", i); // no worker serves the queue: they stay queued
        }
        dashboard = Dashboard.builder(jrq)
                .authenticator(Authenticator.password(USER, PASSWORD))
                .loginDelay(Duration.ofMillis(300))
                .build();
        server = DashboardServer.start(dashboard, "127.0.0.1", 0, MOUNT);
        root = "http://127.0.0.1:" + server.port();
        anon = new Http(root);
    }

    @AfterAll
    static void stop() {
        server.close();
        dashboard.close();
        jrq.close();
    }

    /** @return the queued count of the test's queue in a scrape, once the first read of Redis is in */
    static double queued(Http h, String path, String... headers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            HttpResponse<String> r = h.get(path, headers);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            Optional<Double> v =
                    PrometheusText.parse(r.body()).value("jrq_queue_size", "queue", queue, "state", "queued");
            if (v.isPresent() || System.nanoTime() > deadline) {
                return v.orElseThrow(() -> new AssertionError("no jrq_queue_size for " + queue + " in\n" + r.body()));
            }
            Thread.sleep(200); // the first read of the queues is still under way
        }
    }

    @Test
    void basicAuthScrapesTheQueueGaugesInTheTextFormat() throws Exception {
        assertThat(queued(anon, MOUNT + "/metrics", "Authorization", Http.basic(USER, PASSWORD)))
                .isEqualTo(JOBS);

        HttpResponse<String> r = anon.get(MOUNT + "/metrics", "Authorization", Http.basic(USER, PASSWORD));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(CONTENT_TYPE);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("Set-Cookie"))
                .as("a scrape opens no session")
                .isEmpty();
        PrometheusText scrape = PrometheusText.parse(r.body());
        assertThat(scrape.find("jrq_queue_size", "queue", queue))
                .hasSize(7)
                .allMatch(s -> s.type().equals("gauge"));
        for (String state : new String[] {"started", "scheduled", "deferred", "finished", "failed", "canceled"}) {
            assertThat(scrape.value("jrq_queue_size", "queue", queue, "state", state))
                    .as(state)
                    .hasValue(0.0);
        }
        assertThat(scrape.value("jrq_queue_workers", "queue", queue)).hasValue(0.0);
        assertThat(scrape.value("jrq_queue_paused", "queue", queue)).hasValue(0.0);
        assertThat(scrape.value("jrq_queue_latency_seconds", "queue", queue).orElseThrow())
                .isGreaterThanOrEqualTo(0.0);
        assertThat(scrape.samples())
                .as("the dashboard's registry holds jrq's meters only")
                .allMatch(s -> s.name().startsWith("jrq_"));

        // HEAD: the same headers, no body
        HttpResponse<String> head = Http.CLIENT.send(
                HttpRequest.newBuilder(URI.create(root + MOUNT + "/metrics"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .header("Authorization", Http.basic(USER, PASSWORD))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).hasValue(CONTENT_TYPE);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void aLoggedInSessionScrapesToo() throws Exception {
        Http session = new Http(root).login(MOUNT, USER, PASSWORD);
        assertThat(queued(session, MOUNT + "/metrics")).isEqualTo(JOBS);
    }

    @Test
    void withoutCredentialsItIs401WithABasicChallengeNeverTheLoginPage() throws Exception {
        HttpResponse<String> none = anon.get(MOUNT + "/metrics");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm=\"jrq"));
        assertThat(none.headers().firstValue("Location")).isEmpty();
        assertThat(none.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(none.body()).doesNotContain(queue, "jrq_queue");

        long begin = System.nanoTime();
        HttpResponse<String> wrong = anon.get(MOUNT + "/metrics", "Authorization", Http.basic(USER, "wrong-password"));
        assertThat(Duration.ofNanos(System.nanoTime() - begin))
                .as("answered after the login delay")
                .isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(queue);
        assertThat(anon.get(MOUNT + "/metrics", "Authorization", Http.basic("admin", PASSWORD))
                        .statusCode())
                .isEqualTo(401);
        assertThat(anon.get(MOUNT + "/metrics", "Authorization", "Basic !!not-base64!!")
                        .statusCode())
                .isEqualTo(401);
        assertThat(anon.get(MOUNT + "/metrics", "Cookie", "jrq_session=" + "x".repeat(43))
                        .statusCode())
                .isEqualTo(401);
        HttpResponse<String> head = Http.CLIENT.send(
                HttpRequest.newBuilder(URI.create(root + MOUNT + "/metrics"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(401);
        assertThat(head.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void otherMethodsAre405AndOtherPathsAre404() throws Exception {
        HttpResponse<String> post =
                anon.post(MOUNT + "/metrics", "text/plain", "", "Authorization", Http.basic(USER, PASSWORD));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        HttpResponse<String> delete = Http.CLIENT.send(
                HttpRequest.newBuilder(URI.create(root + MOUNT + "/metrics"))
                        .DELETE()
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).isEqualTo(405);
        assertThat(delete.headers().firstValue("Allow")).hasValue("GET, HEAD");

        assertThat(anon.get(MOUNT + "/metrics/more", "Authorization", Http.basic(USER, PASSWORD))
                        .statusCode())
                .isEqualTo(404);
        assertThat(anon.get(MOUNT + "/api/metrics", "Authorization", Http.basic(USER, PASSWORD))
                        .statusCode())
                .isEqualTo(404);
        assertThat(anon.get("/metrics", "Authorization", Http.basic(USER, PASSWORD))
                        .statusCode())
                .as("outside the base path")
                .isEqualTo(404);
    }

    @Test
    void wrongPasswordsAreThrottledAsLoginsAre() throws Exception {
        try (Dashboard d = Dashboard.builder(jrq)
                        .authenticator(Authenticator.password(USER, PASSWORD))
                        .loginDelay(Duration.ZERO)
                        .build();
                DashboardServer s = DashboardServer.start(d, "127.0.0.1", 0, "")) {
            Http h = new Http("http://127.0.0.1:" + s.port());
            for (int i = 0; i < 10; i++) {
                assertThat(h.get("/metrics", "Authorization", Http.basic(USER, "guess-" + i))
                                .statusCode())
                        .isEqualTo(401);
            }
            HttpResponse<String> blocked = h.get("/metrics", "Authorization", Http.basic(USER, PASSWORD));
            assertThat(blocked.statusCode())
                    .as("refused without checking the password")
                    .isEqualTo(429);
            assertThat(blocked.body()).contains("too many failed logins").doesNotContain(queue);
            assertThat(h.form("/login", "user=" + USER + "&password=" + PASSWORD)
                            .statusCode())
                    .as("the login page shares the count")
                    .isEqualTo(429);
        }
    }

    @Test
    void underTheApplicationsSecurityTheApplicationDecides() throws Exception {
        try (Dashboard d = Dashboard.builder(jrq).applicationAuthenticates().build()) {
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/app");
            context.addServlet(new ServletHolder(new DashboardServlet(d)), "/ops/jrq/*");
            Filter appSecurity = (req, resp, chain) -> {
                if (((HttpServletRequest) req).getHeader("X-App-User") == null) {
                    ((HttpServletResponse) resp).sendError(401);
                    return;
                }
                chain.doFilter(req, resp);
            };
            context.addFilter(
                    new FilterHolder(appSecurity), "/ops/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
            jetty.setHandler(context);
            jetty.start();
            try {
                Http h = new Http("http://127.0.0.1:" + connector.getLocalPort());
                assertThat(h.get("/app/ops/jrq/metrics").statusCode()).isEqualTo(401);
                assertThat(queued(h, "/app/ops/jrq/metrics", "X-App-User", "prometheus"))
                        .isEqualTo(JOBS);
                HttpResponse<String> r = h.get("/app/ops/jrq/metrics", "X-App-User", "prometheus");
                assertThat(r.headers().firstValue("Content-Type")).hasValue(CONTENT_TYPE);
                assertThat(r.headers().firstValue("Set-Cookie"))
                        .as("a scrape opens no session")
                        .isEmpty();
                assertThat(h.post("/app/ops/jrq/metrics", "text/plain", "", "X-App-User", "prometheus")
                                .statusCode())
                        .isEqualTo(405);
            } finally {
                jetty.stop();
            }
        }
    }

    @Test
    void theReadsStartAtTheFirstScrapeAndStopWithTheDashboard() throws Exception {
        Set<Thread> before = metricsThreads();
        Dashboard d = Dashboard.builder(jrq)
                .authenticator(Authenticator.password(USER, PASSWORD))
                .build();
        Set<Thread> started;
        try (DashboardServer s = DashboardServer.start(d, "127.0.0.1", 0, "")) {
            assertThat(newThreads(before))
                    .as("a dashboard no one scrapes reads nothing for metrics")
                    .isEmpty();
            Http h = new Http("http://127.0.0.1:" + s.port());
            assertThat(h.get("/metrics").statusCode()).isEqualTo(401);
            assertThat(newThreads(before)).as("nor does a refused scrape").isEmpty();
            assertThat(queued(h, "/metrics", "Authorization", Http.basic(USER, PASSWORD)))
                    .isEqualTo(JOBS);
            started = newThreads(before);
            assertThat(started).hasSize(1);
        } finally {
            d.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(Thread::isAlive));
    }

    /** @return the live threads of every JrqMetrics in this JVM */
    private static Set<Thread> metricsThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("jrq-metrics"))
                .collect(Collectors.toCollection(HashSet::new));
    }

    private static Set<Thread> newThreads(Set<Thread> before) {
        Set<Thread> now = metricsThreads();
        now.removeAll(before);
        return now;
    }
}
