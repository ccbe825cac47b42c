package io.jrq.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrq.Admin;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Spring Boot application over real HTTP, with a real Redis and the worker in another JVM (the
 * same application with its web server off, as a deployment runs it): the POST answers 202 in well
 * under a second while the task takes five, the event stream pushes its progress and then its
 * result, and bad requests get clear errors without enqueueing anything.
 */
@ExtendWith(TasksSpringAppIT.Backends.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"jrq.worker.enabled=false", "spring.main.banner-mode=off"})
@DirtiesContext // closed after this class, before Backends stops its Redis
class TasksSpringAppIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    private int port;

    @Autowired
    private Admin admin;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", () -> Backends.redis.url());
    }

    /**
     * The test's Redis and the worker process. Declared before {@code @SpringBootTest}, so that
     * they start before the application and stop after Spring has closed it (after-all callbacks
     * run in reverse order): the application's client never sees its Redis go away.
     */
    static final class Backends implements BeforeAllCallback, AfterAllCallback {
        static RedisServer redis;
        static Process worker;

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            redis = RedisServer.start();
            worker = startWorkerProcess(redis.url());
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            if (worker != null) {
                worker.destroy(); // SIGTERM: the worker shuts down as in a deployment
                if (!worker.waitFor(20, TimeUnit.SECONDS)) {
                    worker.destroyForcibly();
                }
            }
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void postAnswersAtOnceAndTheEventsBringTheResultFiveSecondsLater() throws Exception {
        String base = "http://127.0.0.1:" + port;
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
        JsonNode body = JSON.readTree(posted.body());
        String id = body.get("id").asText();
        assertThat(body.get("status").asText()).isEqualTo("QUEUED");
        assertThat(body.get("location").asText()).isEqualTo("/tasks/" + id);
        assertThat(posted.headers().firstValue("Location")).hasValue("/tasks/" + id);
        assertThat(answerMs).as("ms until the 202").isLessThan(1000);

        HttpResponse<Stream<String>> events = http.send(
                HttpRequest.newBuilder(URI.create(base + "/tasks/" + id + "/events"))
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String> names = new ArrayList<>();
        JsonNode end = readUntilEnd(events.body(), names);
        long doneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf(
                "TasksSpringAppIT: 202 after %d ms, result after %d ms, events %s%n", answerMs, doneMs, names);
        assertThat(names).first().isEqualTo("status");
        assertThat(end).as("the end event").isNotNull();
        assertThat(end.get("status").asText()).isEqualTo("FINISHED");
        assertThat(end.get("result").asText()).isEqualTo("Task complete");
        assertThat(names.stream().filter("progress"::equals).count())
                .as("progress events pushed")
                .isGreaterThanOrEqualTo(5);
        assertThat(doneMs).as("the task's own five seconds").isGreaterThanOrEqualTo(Tasks.DURATION_MS);

        HttpResponse<String> got = get(base + "/tasks/" + id);
        assertThat(got.statusCode()).isEqualTo(200);
        JsonNode state = JSON.readTree(got.body());
        assertThat(state.get("status").asText()).isEqualTo("FINISHED");
        assertThat(state.get("result").asText()).isEqualTo("Task complete");
        assertThat(state.get("progress").get("percent").asInt()).isEqualTo(100);
    }

    @Test
    void badRequestsGetClearErrorsAndEnqueueNothing() throws Exception {
        String base = "http://127.0.0.1:" + port;
        long before = jobsInQueue();

        HttpResponse<String> unknown = get(base + "/tasks/no-such-task");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).contains("no-such-task");
        // An EventSource asks for the stream only, and still gets the JSON 404.
        HttpResponse<String> unknownEvents = http.send(
                HttpRequest.newBuilder(URI.create(base + "/tasks/no-such-task/events"))
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknownEvents.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownEvents.body()).get("error").asText()).contains("no-such-task");

        HttpResponse<String> tooLong = get(base + "/tasks/" + "x".repeat(300));
        assertThat(tooLong.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(tooLong.body()).has("error")).isTrue();
        assertThat(get(base + "/tasks/bad%21id").statusCode())
                .as("a character outside the id alphabet")
                .isEqualTo(404);
        assertThat(get(base + "/tasks/a/b/c").statusCode()).isEqualTo(404);

        HttpResponse<String> listing = get(base + "/tasks");
        assertThat(listing.statusCode()).isEqualTo(405);
        assertThat(listing.headers().firstValue("Allow")).hasValue("POST");
        assertThat(JSON.readTree(listing.body()).get("error").asText()).contains("GET");
        HttpResponse<String> deleting = http.send(
                HttpRequest.newBuilder(URI.create(base + "/tasks/x")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleting.statusCode()).isEqualTo(405);
        assertThat(deleting.headers().firstValue("Allow")).hasValue("GET");

        assertThat(jobsInQueue())
                .as("jobs in queue " + TasksSpringApp.QUEUE + ", any state")
                .isEqualTo(before);
    }

    /** Every job the queue holds, whatever its state: a worker taking one would not hide it. */
    private long jobsInQueue() {
        return admin.queue(TasksSpringApp.QUEUE).counts().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    /** Reads Server-Sent Events until {@code end}, noting each event's name; returns the end's data. */
    private static JsonNode readUntilEnd(Stream<String> lines, List<String> names) throws Exception {
        String name = null;
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.startsWith("event:")) {
                name = field(line, "event:");
                names.add(name);
            } else if (line.startsWith("data:") && "end".equals(name)) {
                lines.close();
                return JSON.readTree(field(line, "data:"));
            }
        }
        return null;
    }

    /** A field's value: the text after its name and colon, less one leading space (the SSE rule). */
    private static String field(String line, String prefix) {
        String v = line.substring(prefix.length());
        return v.startsWith(" ") ? v.substring(1) : v;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The same application as a worker process: web server off, worker on, the test's Redis. */
    private static Process startWorkerProcess(String url) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        TasksSpringApp.class.getName(),
                        "--spring.main.web-application-type=none",
                        "--jrq.worker.enabled=true",
                        "--spring.data.redis.url=" + url,
                        "--spring.main.banner-mode=off")
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        // Read on a thread of its own, so that a process that hangs before its line cannot hang the test.
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try {
                        for (String line; (line = out.readLine()) != null; ) {
                            System.out.println("[worker] " + line);
                            if (line.contains(TasksSpringApp.READY) && line.contains("worker serving queue")) {
                                ready.complete(true);
                            }
                        }
                    } catch (java.io.IOException e) {
                        // the process ended
                    }
                    ready.complete(false);
                },
                "worker-output");
        reader.setDaemon(true);
        reader.start();
        boolean started;
        try {
            started = ready.get(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            started = false;
        }
        if (!started) {
            p.destroyForcibly();
            throw new AssertionError("the worker process did not report ready (its output is above)");
        }
        return p;
    }
}
