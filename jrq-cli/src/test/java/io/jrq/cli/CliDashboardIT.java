package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code jrq dashboard}, run as a process: password handling, binding, base path, bad options. */
class CliDashboardIT extends CliSupport {
    private static final Pattern GENERATED = Pattern.compile("log in as admin with the password (\\S+) \\(generated");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> get(String url, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (user != null) {
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void generatesAPasswordPrintedOnceAndServesUnderTheBasePath() throws Exception {
        jrq.queue(queue).enqueue("anything");
        int port = freePort();
        Cli.Running d = cli.start("dashboard", "--port", Integer.toString(port), "--base-path", "/ops/jrq/");
        try {
            assertThat(d.awaitOut("stop it with Ctrl-C", Cli.LIMIT)).as(d.err()).isTrue();
            assertThat(d.out()).contains("jrq dashboard on http://127.0.0.1:" + port + "/ops/jrq/");
            Matcher m = GENERATED.matcher(d.out());
            assertThat(m.find()).as(d.out()).isTrue();
            String password = m.group(1);
            assertThat(password).hasSizeGreaterThanOrEqualTo(20);
            assertThat(d.err()).doesNotContain("warning");
            String base = "http://127.0.0.1:" + port + "/ops/jrq";
            assertThat(get(base + "/api/queues", null, null).statusCode()).isEqualTo(401);
            assertThat(get(base + "/api/queues", "admin", "wrong-one").statusCode())
                    .isEqualTo(401);
            HttpResponse<String> ok = get(base + "/api/queues", "admin", password);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("\"name\":\"" + queue + "\"");
            assertThat(get("http://127.0.0.1:" + port + "/api/queues", "admin", password)
                            .statusCode())
                    .isEqualTo(404);
        } finally {
            d.terminate();
            d.await(Cli.LIMIT);
        }
        assertThat(d.out().split("password ", -1))
                .as("the password is printed once")
                .hasSize(2);
    }

    @Test
    void takesThePasswordFromTheEnvironmentOrAFileAndWarnsWhenListeningBeyondLoopback() throws Exception {
        int port = freePort();
        Cli.Running d = cli.start(
                Map.of("JRQ_DASHBOARD_PASSWORD", "from-the-env-1"),
                null,
                "dashboard",
                "--port",
                Integer.toString(port),
                "--bind",
                "0.0.0.0",
                "--read-only");
        try {
            assertThat(d.awaitOut("stop it with Ctrl-C", Cli.LIMIT)).as(d.err()).isTrue();
            assertThat(d.out()).contains("read-only", "log in as admin\n").doesNotContain("from-the-env-1");
            assertThat(d.err()).contains("warning: the dashboard listens on 0.0.0.0 over plain HTTP");
            assertThat(get("http://127.0.0.1:" + port + "/api/queues", "admin", "from-the-env-1")
                            .statusCode())
                    .isEqualTo(200);
        } finally {
            d.terminate();
            d.await(Cli.LIMIT);
        }

        Path file = tmp.resolve("dashboard-password");
        Files.writeString(file, "from-a-file-22\nignored\n");
        int port2 = freePort();
        Cli.Running f = cli.start(
                "dashboard", "--port", Integer.toString(port2), "--password-file", file.toString(), "--user", "ops");
        try {
            assertThat(f.awaitOut("stop it with Ctrl-C", Cli.LIMIT)).as(f.err()).isTrue();
            assertThat(get("http://127.0.0.1:" + port2 + "/api/queues", "ops", "from-a-file-22")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(get("http://127.0.0.1:" + port2 + "/api/queues", "admin", "from-a-file-22")
                            .statusCode())
                    .isEqualTo(401);
        } finally {
            f.terminate();
            f.await(Cli.LIMIT);
        }
    }

    @Test
    void badOptionsAreUsageErrors() throws Exception {
        Path empty = tmp.resolve("empty-password");
        Files.writeString(empty, "\n");
        String[][] bad = {
            {"dashboard", "--port", "70000"},
            {"dashboard", "--port", "x"},
            {"dashboard", "--base-path", "/a b"},
            {"dashboard", "--base-path", "/<script>"},
            {"dashboard", "--live-interval", "10ms"},
            {"dashboard", "--live-interval", "soon"},
            {"dashboard", "--password-file", tmp.resolve("missing").toString()},
            {"dashboard", "--password-file", empty.toString()},
        };
        for (String[] args : bad) {
            Cli.Result r = cli.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).doesNotContain("at io.jrq", "Exception");
        }
        Cli.Result shortPassword = cli.run(Map.of("JRQ_DASHBOARD_PASSWORD", "short"), null, "dashboard");
        assertThat(shortPassword.exitCode()).as(shortPassword.toString()).isEqualTo(2);
        assertThat(shortPassword.err()).contains("at least 8 characters");
        Cli.Result down = cli.run(Map.of("JRQ_REDIS_URL", nowhere()), null, "dashboard");
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(3);
    }

    @Test
    void theDemoEndsWithTheDashboardOnItsRedisAndAWorkloadToShow() throws Exception {
        int port = freePort();
        Cli.Running demo = cli.start(
                "demo", "--jobs", "0", "--workers", "1", "--dashboard", "--dashboard-port", Integer.toString(port));
        try {
            assertThat(demo.awaitOut("Ctrl-C stops the demo", Cli.LIMIT))
                    .as(demo.out() + demo.err())
                    .isTrue();
            Matcher m = Pattern.compile("log in as admin with the password (\\S+) \\(generated")
                    .matcher(demo.out());
            assertThat(m.find()).as(demo.out()).isTrue();
            Matcher q = Pattern.compile("Queue: (demo-\\S+)").matcher(demo.out());
            assertThat(q.find()).as(demo.out()).isTrue();
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> queues = get(base + "/api/queues", "admin", m.group(1));
            assertThat(queues.statusCode()).isEqualTo(200);
            assertThat(queues.body()).contains("\"name\":\"" + q.group(1) + "\"");
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(
                                    get(base + "/api/queues/" + q.group(1) + "/jobs?state=failed", "admin", m.group(1))
                                            .body())
                            .contains("the mail server refused message"));
            assertThat(get(base + "/api/queues/" + q.group(1) + "/jobs?state=started", "admin", m.group(1))
                            .body())
                    .contains("report");
        } finally {
            demo.terminate();
            demo.await(Cli.LIMIT);
        }
        Cli.Result bad = cli.run("demo", "--dashboard", "--dashboard-port", "70000");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
    }
}
