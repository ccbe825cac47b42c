package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.demo.DemoJobs;
import io.jrq.testkit.PrometheusText;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code jrq worker --metrics-port}: a worker run from the shaded jar, its scrape read with the
 * Prometheus project's own text parser ({@link PrometheusText}): jrq's queue gauges and the JVM's
 * meters; the endpoint's HEAD, 404 and 405; the endpoint stopping with the worker; a taken port and
 * bad options refused before a worker exists.
 */
class CliMetricsIT extends CliSupport {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final int IDLE_JOBS = 5;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> send(String method, String url) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(url))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10))
                .build();
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** The command run in the test's JVM, as MainTest does, with its output kept. */
    private record InProcess(int exitCode, String out, String err) {}

    private InProcess inProcess(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new InProcess(code, out.toString(), err.toString());
    }

    @Test
    void servesJrqsQueueGaugesAndTheJvmsMetersWhileTheWorkerRuns() throws Exception {
        String idle = name("idle");
        for (int i = 0; i < IDLE_JOBS; i++) {
            jrq.queue(idle).enqueue(DemoJobs::noop, (long) i); // no worker serves it: they stay queued
        }
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/metrics";
        Cli.Running w =
                cli.start("worker", "-q", queue, "--allow", "io.jrq.demo", "--metrics-port", Integer.toString(port));
        try {
            assertThat(w.awaitOut("metrics for Prometheus at " + url + "\n", Cli.LIMIT))
                    .as(w.out() + w.err())
                    .isTrue();

            PrometheusText scrape = null;
            Optional<Double> queued = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (queued.isEmpty() && System.nanoTime() < deadline) {
                HttpResponse<String> r = send("GET", url);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
                scrape = PrometheusText.parse(r.body());
                queued = scrape.value("jrq_queue_size", "queue", idle, "state", "queued");
                if (queued.isEmpty()) {
                    Cli.sleep(200); // the first read of the queues is still under way
                }
            }
            assertThat(queued).as("the idle queue's gauge").hasValue((double) IDLE_JOBS);
            assertThat(scrape.find("jrq_queue_size", "queue", idle))
                    .hasSize(7)
                    .allMatch(s -> s.type().equals("gauge"));
            assertThat(scrape.value("jrq_queue_paused", "queue", idle)).hasValue(0.0);
            assertThat(scrape.find("jvm_memory_used_bytes", "area", "heap"))
                    .isNotEmpty()
                    .anyMatch(s -> s.value() > 0);
            assertThat(scrape.value("jvm_threads_live_threads").orElseThrow()).isPositive();
            assertThat(scrape.value("process_uptime_seconds").orElseThrow()).isPositive();
            assertThat(scrape.value("system_cpu_count").orElseThrow()).isGreaterThanOrEqualTo(1);
            assertThat(scrape.samples()).anyMatch(s -> s.name().startsWith("jvm_gc_"));

            // the worker works as without metrics
            Job<String> echo = jrq.queue(queue).enqueue(DemoJobs::echo, "with metrics on");
            assertThat(echo.await(Duration.ofSeconds(30))).isEqualTo("with metrics on");

            HttpResponse<String> head = send("HEAD", url);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(head.headers().firstValueAsLong("Content-Length").orElseThrow())
                    .isPositive();
            assertThat(head.body()).isEmpty();
            for (String path : List.of("/", "/metrics/", "/metrics/x", "/other")) {
                assertThat(send("GET", "http://127.0.0.1:" + port + path).statusCode())
                        .as(path)
                        .isEqualTo(404);
            }
            for (String method : List.of("POST", "PUT", "DELETE")) {
                HttpResponse<String> r = send(method, url);
                assertThat(r.statusCode()).as(method).isEqualTo(405);
                assertThat(r.headers().firstValue("Allow")).as(method).hasValue("GET, HEAD");
            }
        } finally {
            w.terminate();
        }
        Cli.Result r = w.await(Cli.LIMIT);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(143);
        assertThat(r.err()).as(r.toString()).doesNotContain("Exception", "WARN");
    }

    @Test
    void theEndpointStopsWhenTheWorkerStops() throws Exception {
        int port = freePort();
        InProcess r = inProcess(
                "worker",
                "-u",
                redis.url(),
                "-q",
                queue,
                "--allow",
                "io.jrq.demo",
                "--burst",
                "--metrics-port",
                Integer.toString(port));

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains("metrics for Prometheus at http://127.0.0.1:" + port + "/metrics\n", "queues empty");
        try {
            send("GET", "http://127.0.0.1:" + port + "/metrics");
            throw new AssertionError("the endpoint still answers after the worker stopped");
        } catch (ConnectException expected) {
            // nothing listens any more
        }
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).as("the port is free again").isEqualTo(port);
        }
    }

    @Test
    void aTakenPortIsAOneLineErrorAndNoWorkerStarts() throws Exception {
        Job<Long> waiting = jrq.queue(queue).enqueue(DemoJobs::noop, 1L);
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            // --burst: should a worker start all the same, it ends by itself and the job's state tells
            InProcess r = inProcess(
                    "worker",
                    "-u",
                    redis.url(),
                    "-q",
                    queue,
                    "--allow",
                    "io.jrq.demo",
                    "--burst",
                    "--metrics-port",
                    Integer.toString(port));

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(r.err())
                    .isEqualTo("jrq: cannot serve metrics on 127.0.0.1:" + port
                            + " (--metrics-port): Address already in use\n");
            assertThat(r.out()).isEmpty();
        }
        assertThat(waiting.status()).as("nothing leased").isEqualTo(JobStatus.QUEUED);
        assertThat(jrq.admin().workers()).noneMatch(w -> w.queues().contains(queue));
    }

    @Test
    void badMetricsOptionsAreUsageErrorsBeforeAnythingListens() throws IOException {
        String nowhere = nowhere(); // a Redis that is not there: a command that got as far as connecting exits with 3
        String[][] bad = {
            {"--metrics-port", "0"},
            {"--metrics-port", "65536"},
            {"--metrics-port", "-1"},
            {"--metrics-port", "x"},
            {"--metrics-bind", "0.0.0.0"},
            {"--metrics-port", "9400", "--metrics-bind", ""},
            {"--metrics-port", "9400", "--metrics-bind", "[::1"},
        };
        String[] messages = {
            "--metrics-port must be a port from 1 to 65535, got: 0",
            "--metrics-port must be a port from 1 to 65535, got: 65536",
            "--metrics-port must be a port from 1 to 65535, got: -1",
            "'x' is not an int",
            "--metrics-bind needs --metrics-port PORT",
            "--metrics-bind must name an address",
            "--metrics-bind: not an address or a known host name: '[::1'",
        };
        for (int i = 0; i < bad.length; i++) {
            String[] args = new String[6 + bad[i].length];
            System.arraycopy(new String[] {"worker", "-u", nowhere, "-q", queue, "--burst"}, 0, args, 0, 6);
            System.arraycopy(bad[i], 0, args, 6, bad[i].length);
            InProcess r = inProcess(args);
            assertThat(r.exitCode()).as(String.join(" ", bad[i]) + "\n" + r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err())
                    .as(String.join(" ", bad[i]))
                    .contains(messages[i])
                    .contains("jrq worker --help");
            assertThat(r.out()).isEmpty();
        }
    }
}
