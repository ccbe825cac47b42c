package io.jrq.examples.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrq.Jrq;
import io.jrq.testkit.RedisServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The web application over real HTTP, with a real Redis and the worker in another JVM: the POST
 * answers 202 in well under a second while the task takes five, the event stream pushes its
 * progress and then its result, and bad requests get clear errors.
 */
class TasksAppIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void postAnswersAtOnceAndTheEventsBringTheResultFiveSecondsLater() throws Exception {
        try (RedisServer redis = RedisServer.start();
                Jrq jrq = Jrq.connect(redis.url());
                TasksApp app = TasksApp.start(jrq, 0)) {
            Process worker = startWorker(redis.url());
            try {
                String base = "http://127.0.0.1:" + app.port();
                // This JVM's HTTP client loads its classes on its first request: not the app's time.
                assertThat(get(base + "/tasks/warm-up").statusCode()).isEqualTo(404);
                long t0 = System.nanoTime();
                HttpResponse<String> posted = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/tasks"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                long answerMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(posted.statusCode()).isEqualTo(202);
                String id = JSON.readTree(posted.body()).get("id").asText();
                assertThat(posted.headers().firstValue("Location")).hasValue("/tasks/" + id);
                assertThat(answerMs).as("ms until the 202").isLessThan(1000);

                HttpResponse<Stream<String>> events = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/tasks/" + id + "/events"))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
                assertThat(events.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
                List<String> names = new ArrayList<>();
                JsonNode end = null;
                String name = null;
                for (String line : (Iterable<String>) events.body()::iterator) {
                    if (line.startsWith("event: ")) {
                        name = line.substring(7);
                        names.add(name);
                    } else if (line.startsWith("data: ") && "end".equals(name)) {
                        end = JSON.readTree(line.substring(6));
                        break;
                    }
                }
                long doneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                System.out.printf(
                        "TasksAppIT: 202 after %d ms, result after %d ms, events %s%n", answerMs, doneMs, names);
                assertThat(end).as("the end event").isNotNull();
                assertThat(end.get("status").asText()).isEqualTo("FINISHED");
                assertThat(end.get("result").asText()).isEqualTo("Task complete");
                assertThat(names.stream().filter("progress"::equals).count())
                        .as("progress events pushed")
                        .isGreaterThanOrEqualTo(5);
                assertThat(doneMs).as("the task's own five seconds").isGreaterThanOrEqualTo(Tasks.DURATION_MS);

                JsonNode state = JSON.readTree(get(base + "/tasks/" + id).body());
                assertThat(state.get("status").asText()).isEqualTo("FINISHED");
                assertThat(state.get("result").asText()).isEqualTo("Task complete");
                assertThat(state.get("progress").get("percent").asInt()).isEqualTo(100);
            } finally {
                worker.destroy();
                worker.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        try (RedisServer redis = RedisServer.start();
                Jrq jrq = Jrq.connect(redis.url());
                TasksApp app = TasksApp.start(jrq, 0)) {
            String base = "http://127.0.0.1:" + app.port();
            HttpResponse<String> unknown = get(base + "/tasks/no-such-task");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(unknown.body()).get("error").asText()).contains("no-such-task");
            assertThat(get(base + "/tasks/a/b/c").statusCode()).isEqualTo(404);
            assertThat(get(base + "/tasks/" + "x".repeat(300)).statusCode()).isEqualTo(404);
            HttpResponse<String> listing = get(base + "/tasks");
            assertThat(listing.statusCode()).isEqualTo(405);
            assertThat(listing.headers().firstValue("Allow")).hasValue("POST");
            HttpResponse<String> deleting = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/tasks/x"))
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(deleting.statusCode()).isEqualTo(405);
            assertThat(jrq.queue(TasksApp.QUEUE).size())
                    .as("nothing enqueued by bad requests")
                    .isZero();
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The worker as a separate process, as a deployment runs it. */
    private static Process startWorker(String url) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        TasksApp.class.getName(),
                        "--worker-only",
                        "--redis",
                        url)
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (String line; (line = out.readLine()) != null && System.nanoTime() < deadline; ) {
            if (line.startsWith("worker ") && line.contains("serving queue")) {
                // keep draining its output so it never blocks on a full pipe
                Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "worker-output");
                drain.setDaemon(true);
                drain.start();
                return p;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("the worker process did not start");
    }
}
