package io.jrq.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.RetryPolicy;
import io.jrq.Worker;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard over real HTTP and a real Redis: the JSON API's shapes, login and sessions, CSRF
 * and origin checks, read-only mode, and bad input answered with a clear 4xx.
 */
@ExtendWith(RedisExtension.class)
class DashboardHttpIT {
    static final String USER = "admin";
    static final String PASSWORD = "correct-horse-1";
    static final String MOUNT = "/jrq";
    static final ObjectMapper JSON = new ObjectMapper();

    static Jrq jrq;
    static Dashboard dashboard;
    static DashboardServer server;
    static Http anon;
    static String root;
    static String queue;
    static Worker worker;
    static Job<Object> failed;

    @BeforeAll
    static void start(RedisServer redis) {
        jrq = Jrq.connect(redis.url());
        dashboard = Dashboard.builder(jrq)
                .authenticator(Authenticator.password(USER, PASSWORD))
                .loginDelay(Duration.ofMillis(300))
                .liveInterval(Duration.ofMillis(500))
                .build();
        server = DashboardServer.start(dashboard, "127.0.0.1", 0, MOUNT);
        root = "http://127.0.0.1:" + server.port();
        anon = new Http(root);
        queue = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        worker = jrq.worker(queue)
                .handler(
                        "boom",
                        ctx -> {
                            throw new IllegalStateException("<b>broken</b> on purpose");
                        },
                        RetryPolicy.none())
                .handler("ok", ctx -> "fine")
                .start();
        failed = jrq.queue(queue).enqueue("boom", "<script>window.x=1</script>");
        await().atMost(Duration.ofSeconds(10)).until(() -> failed.status() == JobStatus.FAILED);
    }

    @AfterAll
    static void stop() {
        worker.close();
        server.close();
        dashboard.close();
        jrq.close();
    }

    static Http session() throws Exception {
        return new Http(root).login(MOUNT, USER, PASSWORD);
    }

    static String basic() {
        return Http.basic(USER, PASSWORD);
    }

    @Test
    void pagesRedirectToTheLoginAndTheApiAnswers401WithoutLeakingData() throws Exception {
        HttpResponse<String> page = anon.get(MOUNT + "/queues/" + queue);
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).contains(MOUNT + "/login?next=%2Fqueues%2F" + queue);
        assertThat(anon.get(MOUNT + "/").headers().firstValue("Location")).contains(MOUNT + "/login");

        HttpResponse<String> api = anon.get(MOUNT + "/api/queues");
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(api.body()).doesNotContain(queue);

        HttpResponse<String> wrong =
                anon.get(MOUNT + "/api/queues", "Authorization", Http.basic(USER, "wrong-password"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(queue);
        HttpResponse<String> wrongUser = anon.get(MOUNT + "/api/queues", "Authorization", Http.basic("root", PASSWORD));
        assertThat(wrongUser.statusCode()).isEqualTo(401);

        assertThat(anon.get(MOUNT + "/live?topic=overview").statusCode()).isEqualTo(401);
        assertThat(anon.form(MOUNT + "/queues/" + queue + "/pause", "").statusCode())
                .isEqualTo(401);
        assertThat(jrq.admin().queue(queue).paused()).isFalse();
    }

    @Test
    void loginGivesAStrictHttpOnlySessionCookieAndAWrongPasswordIsSlowedDown() throws Exception {
        HttpResponse<String> ok = anon.form(MOUNT + "/login", "user=admin&password=" + PASSWORD + "&next=%2Fworkers");
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location")).contains(MOUNT + "/workers");
        String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie)
                .startsWith("jrq_session=")
                .contains("HttpOnly", "SameSite=Strict", "Path=" + MOUNT + "/")
                .doesNotContain("Secure");

        long begin = System.nanoTime();
        HttpResponse<String> bad = anon.form(MOUNT + "/login", "user=admin&password=nope-nope");
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(bad.body()).contains("Wrong user name or password").doesNotContain(queue);

        // a next= pointing elsewhere never becomes an open redirect
        HttpResponse<String> away =
                anon.form(MOUNT + "/login", "user=admin&password=" + PASSWORD + "&next=%2F%2Fevil.example%2F");
        assertThat(away.headers().firstValue("Location")).contains(MOUNT + "/");
        assertThat(away.headers().firstValue("Location").orElseThrow()).doesNotContain("evil");
    }

    @Test
    void aCookieBehindATlsProxyIsSecure() throws Exception {
        try (Dashboard d = Dashboard.builder(jrq)
                        .authenticator(Authenticator.password(USER, PASSWORD))
                        .behindTlsProxy(true)
                        .build();
                DashboardServer s = DashboardServer.start(d, "127.0.0.1", 0, "")) {
            Http h = new Http("http://127.0.0.1:" + s.port());
            HttpResponse<String> r = h.form("/login", "user=admin&password=" + PASSWORD, "X-Forwarded-Proto", "https");
            assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).contains("Secure", "HttpOnly", "Path=/;");
        }
    }

    @Test
    void repeatedFailedLoginsFromOneAddressAreRefusedForAWhile() throws Exception {
        try (Dashboard d = Dashboard.builder(jrq)
                        .authenticator(Authenticator.password(USER, PASSWORD))
                        .loginDelay(Duration.ZERO)
                        .build();
                DashboardServer s = DashboardServer.start(d, "127.0.0.1", 0, "")) {
            Http h = new Http("http://127.0.0.1:" + s.port());
            for (int i = 0; i < 10; i++) {
                assertThat(h.form("/login", "user=admin&password=guess" + i).statusCode())
                        .isEqualTo(401);
            }
            HttpResponse<String> blocked = h.form("/login", "user=admin&password=" + PASSWORD);
            assertThat(blocked.statusCode()).isEqualTo(429);
            assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
            assertThat(h.get("/api/queues", "Authorization", basic()).statusCode())
                    .isEqualTo(429);
        }
    }

    @Test
    void aChangeNeedsTheSessionsCsrfTokenAndTheSameOrigin() throws Exception {
        Http s = session();
        String pause = MOUNT + "/queues/" + queue + "/pause";
        assertThat(s.form(pause, "").statusCode()).isEqualTo(403);
        assertThat(s.form(pause, "_csrf=forged").statusCode()).isEqualTo(403);
        assertThat(s.form(pause, "_csrf=" + s.csrf(), "Origin", "http://evil.example")
                        .statusCode())
                .isEqualTo(403);
        assertThat(s.form(pause, "_csrf=" + s.csrf(), "Sec-Fetch-Site", "cross-site")
                        .statusCode())
                .isEqualTo(403);
        assertThat(s.form(pause, "_csrf=" + s.csrf(), "Sec-Fetch-Site", "same-site")
                        .statusCode())
                .isEqualTo(403);
        assertThat(jrq.admin().queue(queue).paused()).isFalse();

        HttpResponse<String> ok = s.form(pause, "_csrf=" + s.csrf(), "Origin", root, "Sec-Fetch-Site", "same-origin");
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location").orElseThrow()).startsWith(MOUNT + "/queues/" + queue + "?done=");
        assertThat(jrq.admin().queue(queue).paused()).isTrue();
        assertThat(s.post(
                                MOUNT + "/api/queues/" + queue + "/resume",
                                "application/json",
                                "{}",
                                "X-CSRF-Token",
                                s.csrf())
                        .statusCode())
                .isEqualTo(200);
        assertThat(jrq.admin().queue(queue).paused()).isFalse();

        // HTTP Basic (scripts) carries no token, but a browser's cross-origin request is still refused
        assertThat(anon.post(
                                MOUNT + "/api/queues/" + queue + "/pause",
                                "application/json",
                                "",
                                "Authorization",
                                basic(),
                                "Origin",
                                "http://evil.example")
                        .statusCode())
                .isEqualTo(403);
        assertThat(jrq.admin().queue(queue).paused()).isFalse();

        // after logout the cookie is worthless
        assertThat(s.form(MOUNT + "/logout", "_csrf=" + s.csrf()).statusCode()).isEqualTo(303);
        assertThat(s.get(MOUNT + "/api/queues").statusCode()).isEqualTo(401);
    }

    @Test
    void aGetNeverChangesAnything() throws Exception {
        for (String path : List.of(
                "/queues/" + queue + "/pause",
                "/api/queues/" + queue + "/pause",
                "/queues/" + queue + "/empty",
                "/queues/" + queue + "/failed/delete?all=true",
                "/api/jobs/" + failed.id() + "/delete")) {
            HttpResponse<String> r = anon.get(MOUNT + path, "Authorization", basic());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
        assertThat(jrq.admin().queue(queue).paused()).isFalse();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void theApiServesEachPagesDataAndActions() throws Exception {
        JsonNode queues = JSON.readTree(
                anon.get(MOUNT + "/api/queues", "Authorization", basic()).body());
        JsonNode mine = null;
        for (JsonNode q : queues) {
            if (q.path("name").asText().equals(queue)) {
                mine = q;
            }
        }
        assertThat(mine).as("queue %s in %s", queue, queues).isNotNull();
        assertThat(mine.path("counts").path("failed").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(mine.path("workers").asInt()).isEqualTo(1);
        assertThat(mine.has("oldestQueuedAgeMs")).isTrue();

        JsonNode job = JSON.readTree(anon.get(MOUNT + "/api/jobs/" + failed.id(), "Authorization", basic())
                .body());
        assertThat(job.path("queue").asText()).isEqualTo(queue);
        assertThat(job.path("status").asText()).isEqualTo("failed");
        assertThat(job.path("error").path("message").asText()).isEqualTo("<b>broken</b> on purpose");
        assertThat(job.path("arguments").get(0).asText()).isEqualTo("<script>window.x=1</script>");

        JsonNode page = JSON.readTree(
                anon.get(MOUNT + "/api/queues/" + queue + "/jobs?state=failed&page=1&size=10", "Authorization", basic())
                        .body());
        assertThat(page.path("state").asText()).isEqualTo("failed");
        assertThat(page.path("jobs"))
                .anySatisfy(j -> assertThat(j.path("id").asText()).isEqualTo(failed.id()));

        JsonNode history =
                JSON.readTree(anon.get(MOUNT + "/api/queues/" + queue + "/history?minutes=5", "Authorization", basic())
                        .body());
        assertThat(history).hasSize(5);
        assertThat(history.get(4).path("failed").asLong()
                        + history.get(3).path("failed").asLong())
                .isGreaterThanOrEqualTo(1);

        Job<Object> again = jrq.queue(queue).enqueue("boom", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> again.status() == JobStatus.FAILED);
        java.time.Instant firstEnd = again.endedAt().orElseThrow();
        HttpResponse<String> requeue = anon.post(
                MOUNT + "/api/jobs/" + again.id() + "/requeue", "application/json", "", "Authorization", basic());
        assertThat(requeue.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(requeue.body()).path("ok").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> again.status() == JobStatus.FAILED
                        && again.endedAt().orElseThrow().isAfter(firstEnd));
        assertThat(anon.post(
                                MOUNT + "/api/jobs/" + again.id() + "/run-now",
                                "application/json",
                                "",
                                "Authorization",
                                basic())
                        .statusCode())
                .isEqualTo(409);
    }

    @Test
    void aPartitionedQueueIsOneQueueWithItsPartitionCount() throws Exception {
        String pq = "dash-parts-" + UUID.randomUUID().toString().substring(0, 8);
        jrq.admin().partitions(pq, 3);
        jrq.queue(pq).enqueueAll("ok", java.util.Collections.nCopies(30, List.of()));

        JsonNode queues = JSON.readTree(
                anon.get(MOUNT + "/api/queues", "Authorization", basic()).body());
        JsonNode mine = null;
        for (JsonNode q : queues) {
            assertThat(q.path("name").asText()).doesNotContain("~");
            if (q.path("name").asText().equals(pq)) {
                mine = q;
            }
        }
        assertThat(mine).as("queue %s in %s", pq, queues).isNotNull();
        assertThat(mine.path("partitions").asInt()).isEqualTo(3);
        assertThat(mine.path("counts").path("queued").asLong()).isEqualTo(30);
        Http s = session();
        assertThat(s.get(MOUNT + "/queues/" + pq).body()).contains("3 partitions");
        assertThat(s.get(MOUNT + "/").body()).contains("3 partitions");
    }

    @Test
    void badInputGetsAClear4xxAndNeverAStackTrace() throws Exception {
        String q = MOUNT + "/api/queues/" + queue + "/jobs";
        String[][] cases = {
            {q + "?page=0", "400"},
            {q + "?page=abc", "400"},
            {q + "?page=99999999999", "400"},
            {q + "?size=100000", "400"},
            {q + "?state=bogus", "400"},
            {MOUNT + "/api/queues/no-such-queue-" + queue + "/jobs", "404"},
            {MOUNT + "/api/queues/%3Cscript%3E/jobs", "404"},
            {MOUNT + "/api/jobs/no-such-job", "404"},
            {MOUNT + "/api/queues/" + queue + "/history?minutes=100000", "400"},
            {MOUNT + "/api/nothing", "404"},
            {MOUNT + "/queues/" + queue + "?page=-1", "400"},
            {MOUNT + "/queues/" + queue + "/jobs/nope", "404"},
            {MOUNT + "/jobs?id=", "400"},
            {MOUNT + "/jobs?id=missing", "404"},
            {MOUNT + "/live?topic=bogus", "400"},
            {MOUNT + "/live?topic=job:" + queue + "/missing", "404"},
            {MOUNT + "/queues/" + queue + "?meta=novalue", "400"},
            {MOUNT + "/queues/" + queue + "?" + "x=1&".repeat(1200), "414"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = anon.get(c[0], "Authorization", basic());
            assertThat(r.statusCode()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(r.body()).as(c[0]).doesNotContain("at io.jrq", "Exception:", "<script>");
        }
        // a malformed escape, sent raw (java.net.URI refuses to build it)
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.port())) {
            raw.getOutputStream()
                    .write(("GET " + MOUNT + "/queues/%zz HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic()
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String reply = new String(raw.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 400").doesNotContain("at io.jrq", "at java.");
        }
        String post = MOUNT + "/api/queues/" + queue + "/failed/requeue";
        Object[][] posts = {
            {"{not json", 400},
            {"[1,2]", 400},
            {"{\"ids\":\"x\"}", 400},
            {"{\"ids\":[1]}", 400},
            {"{}", 400},
            {"{\"ids\":[\"a\"],\"all\":true}", 400},
            {"{\"ids\":" + ids(1001) + "}", 400},
            {"{\"x\":\"" + "y".repeat(70_000) + "\"}", 413},
        };
        for (Object[] c : posts) {
            HttpResponse<String> r = anon.post(post, "application/json", (String) c[0], "Authorization", basic());
            assertThat(r.statusCode())
                    .as(((String) c[0]).substring(0, Math.min(30, ((String) c[0]).length())))
                    .isEqualTo(c[1]);
            assertThat(r.body()).doesNotContain("at io.jrq");
        }
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        HttpResponse<String> put = Http.CLIENT.send(
                anon.request(MOUNT + "/api/queues")
                        .header("Authorization", basic())
                        .PUT(java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
    }

    private static String ids(int n) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append("\"j").append(i).append('"');
        }
        return s.append(']').toString();
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        for (String path : List.of("/", "/login", "/api/queues", "/queues/" + queue, "/assets/dashboard.js", "/nope")) {
            HttpResponse<String> r = anon.get(MOUNT + path, "Authorization", basic());
            assertThat(r.headers().firstValue("Content-Security-Policy"))
                    .as(path)
                    .hasValueSatisfying(v -> assertThat(v)
                            .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
                            .doesNotContain("unsafe-inline"));
            assertThat(r.headers().firstValue("X-Content-Type-Options"))
                    .as(path)
                    .contains("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
        }
    }

    @Test
    void valuesFromRedisAreEscapedInThePages() throws Exception {
        String html = anon.get(MOUNT + "/queues/" + queue + "/jobs/" + failed.id(), "Authorization", basic())
                .body();
        assertThat(html)
                .contains("&lt;script&gt;window.x=1&lt;/script&gt;", "&lt;b&gt;broken&lt;/b&gt; on purpose")
                .doesNotContain("<script>window", "<b>broken");
        assertThat(html).doesNotContainPattern("<script(?![^>]*src=\"" + MOUNT + "/assets/dashboard.js\")");
    }

    @Test
    void readOnlyHidesEveryActionAndRefusesEveryChange() throws Exception {
        try (Dashboard d = Dashboard.builder(jrq)
                        .authenticator(Authenticator.password(USER, PASSWORD))
                        .readOnly(true)
                        .build();
                DashboardServer s = DashboardServer.start(d, "127.0.0.1", 0, "")) {
            Http h = new Http("http://127.0.0.1:" + s.port()).login("", USER, PASSWORD);
            for (String path : List.of(
                    "/",
                    "/queues/" + queue + "?state=failed",
                    "/queues/" + queue + "/jobs/" + failed.id(),
                    "/failed?queue=" + queue,
                    "/scheduled",
                    "/recurring")) {
                String html = h.get(path).body();
                assertThat(html.replaceAll("<form method=\"post\" action=\"/logout\"", ""))
                        .as(path)
                        .doesNotContain("method=\"post\"");
            }
            assertThat(h.form("/queues/" + queue + "/pause", "_csrf=" + h.csrf())
                            .statusCode())
                    .isEqualTo(403);
            assertThat(h.post("/api/queues/" + queue + "/pause", "application/json", "", "Authorization", basic())
                            .statusCode())
                    .isEqualTo(403);
            assertThat(h.post("/api/jobs/" + failed.id() + "/delete", "application/json", "", "Authorization", basic())
                            .statusCode())
                    .isEqualTo(403);
            assertThat(jrq.admin().queue(queue).paused()).isFalse();
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        }
    }

    @Test
    void theBasePathHoldsEverythingAndTheRootPointsThere() throws Exception {
        HttpResponse<String> r = anon.get("/");
        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).contains(MOUNT + "/");
        assertThat(anon.get("/api/queues", "Authorization", basic()).statusCode())
                .isEqualTo(404);
        String html = anon.get(MOUNT + "/", "Authorization", basic()).body();
        assertThat(html)
                .contains("href=\"" + MOUNT + "/assets/dashboard.css\"", "href=\"" + MOUNT + "/queues/" + queue + "\"");
    }
}
