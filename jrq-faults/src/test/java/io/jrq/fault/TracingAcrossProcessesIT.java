package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqTracing;
import io.jrq.RetryPolicy;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing across JVMs: the producer here, with an OpenTelemetry SDK, enqueues; a worker in a second
 * JVM ({@link TracingWorkerMain}, with an SDK of its own) runs the job and writes its finished spans
 * to a file. The worker's {@code process} span continues the producer's trace, as the child of its
 * {@code send} span, carried only by the job's envelope in Redis. A worker JVM without OpenTelemetry
 * on its classpath runs traced jobs as any others.
 */
@ExtendWith(RedisExtension.class)
class TracingAcrossProcessesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");

    @TempDir
    Path dir;

    private InMemorySpanExporter exporter;
    private OpenTelemetrySdk otel;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void sdk() {
        exporter = InMemorySpanExporter.create();
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor();
        }
        otel.close();
    }

    @Test
    void theWorkerProcessContinuesTheProducersTrace(RedisServer redis) throws IOException {
        String q = "trace-x-" + UUID.randomUUID().toString().substring(0, 8);
        Path spans = dir.resolve("worker.spans.json");
        Path out = start(
                "traced-worker",
                testClasspath(),
                TracingWorkerMain.class,
                redis.url(),
                q,
                spans.toString(),
                "traced-worker");

        Job<String> ok;
        Job<String> bad;
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqTracing tracing = new JrqTracing(otel).bindTo(jrq)) {
            ok = jrq.queue(q).enqueue(TracedJobs::work, "a");
            bad = jrq.queue(q)
                    .with(EnqueueOptions.builder().retry(RetryPolicy.none()).build())
                    .enqueue(TracedJobs::fail, "no");
            assertThat(ok.await(WAIT))
                    .as(tail(out))
                    .startsWith("a@")
                    .isNotEqualTo("a@" + ProcessHandle.current().pid());
            await().atMost(WAIT).until(() -> bad.status() == JobStatus.FAILED);
        }
        SpanData sendOk = sendOf(ok.id());
        SpanData sendBad = sendOf(bad.id());

        JsonNode processOk = awaitSpan(spans, "messaging.message.id", ok.id());
        assertThat(processOk.path("name").asText()).isEqualTo("process " + q);
        assertThat(processOk.path("kind").asText()).isEqualTo("CONSUMER");
        assertThat(processOk.path("traceId").asText())
                .as("the producer's trace")
                .isEqualTo(sendOk.getTraceId());
        assertThat(processOk.path("parentSpanId").asText())
                .as("child of the send span")
                .isEqualTo(sendOk.getSpanId());
        JsonNode attributes = processOk.path("attributes");
        assertThat(attributes.path("messaging.system").asText()).isEqualTo("jrq");
        assertThat(attributes.path("messaging.destination.name").asText()).isEqualTo(q);
        assertThat(attributes.path("messaging.operation.type").asText()).isEqualTo("process");
        assertThat(attributes.path("jrq.job.function").asText()).isEqualTo(TracedJobs.class.getName() + "::work");
        assertThat(attributes.path("jrq.job.attempt").asText()).isEqualTo("1");
        assertThat(attributes.path("messaging.client.id").asText()).isEqualTo("traced-worker");

        JsonNode inside = awaitSpan(spans, null, "inside a");
        assertThat(inside.path("parentSpanId").asText())
                .as("the job's own span")
                .isEqualTo(processOk.path("spanId").asText());
        assertThat(inside.path("traceId").asText()).isEqualTo(sendOk.getTraceId());

        JsonNode processBad = awaitSpan(spans, "messaging.message.id", bad.id());
        assertThat(processBad.path("traceId").asText()).isEqualTo(sendBad.getTraceId());
        assertThat(processBad.path("parentSpanId").asText()).isEqualTo(sendBad.getSpanId());
        assertThat(processBad.path("status").asText()).isEqualTo("ERROR");
        assertThat(processBad.path("attributes").path("error.type").asText())
                .isEqualTo(IllegalStateException.class.getName());
        assertThat(sendOk.getTraceId()).as("one trace per enqueue").isNotEqualTo(sendBad.getTraceId());
    }

    @Test
    void aWorkerWithoutOpenTelemetryRunsTracedJobs(RedisServer redis) {
        String q = "trace-n-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> all = testClasspath();
        List<String> withoutOtel = all.stream()
                .filter(e -> !Path.of(e).getFileName().toString().contains("opentelemetry"))
                .toList();
        assertThat(withoutOtel)
                .as("the test classpath has OpenTelemetry jars to leave out")
                .hasSizeLessThan(all.size());
        Path out = start("plain-worker", withoutOtel, WorkerMain.class, redis.url(), q, "5000", "2", "plain-worker");

        try (Jrq jrq = Jrq.connect(redis.url());
                JrqTracing tracing = new JrqTracing(otel).bindTo(jrq)) {
            // A description keeps the payload once the job finished, to look at what it carried.
            Job<Boolean> probe = jrq.queue(q)
                    .with(EnqueueOptions.builder().description("traced probe").build())
                    .enqueue(ClassProbe::has, "io.opentelemetry.api.OpenTelemetry");
            assertThat(probe.await(WAIT))
                    .as("OpenTelemetry is not on the worker's classpath\n" + tail(out))
                    .isFalse();
            assertThat(probe.status()).isEqualTo(JobStatus.FINISHED);
            String payload = redis.execute("HGET", new Keys("jrq").job(q, probe.id()), "payload");
            assertThat(payload)
                    .contains("\"trace\":{\"traceparent\":\"00-"
                            + sendOf(probe.id()).getTraceId() + "-");
        }
        assertThat(tail(out)).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
    }

    private SpanData sendOf(String jobId) {
        List<SpanData> sends = exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.PRODUCER
                        && jobId.equals(s.getAttributes().get(MESSAGE_ID)))
                .toList();
        assertThat(sends).hasSize(1);
        return sends.get(0);
    }

    /** The span of the worker's spans file with that attribute value (or, with a null key, that name). */
    private static JsonNode awaitSpan(Path spans, String attribute, String value) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(WAIT).until(() -> {
            if (!Files.exists(spans)) {
                return false;
            }
            JsonNode all = new ObjectMapper().readTree(Files.readString(spans, StandardCharsets.UTF_8));
            found[0] = StreamSupport.stream(all.spliterator(), false)
                    .filter(s -> attribute == null
                            ? s.path("name").asText().equals(value)
                            : s.path("attributes").path(attribute).asText().equals(value))
                    .findFirst()
                    .orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    /**
     * Starts {@code main} in a JVM of its own and waits until it prints READY.
     *
     * @return the file its output goes to
     */
    private Path start(String name, List<String> classpath, Class<?> main, String... args) {
        Path out = dir.resolve(name + ".out");
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                String.join(File.pathSeparator, classpath),
                main.getName()));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        processes.add(p);
        await().atMost(WAIT).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "\n" + tail(out));
            }
            return tail(out).contains("READY " + name + " ");
        });
        return out;
    }

    private static String tail(Path out) {
        try {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The entries of this JVM's classpath. Under failsafe that may be one manifest-only jar whose
     * Class-Path names them, which is read then, so that entries can be left out.
     */
    private static List<String> testClasspath() {
        List<String> entries = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        if (entries.size() == 1 && entries.get(0).endsWith(".jar")) {
            Path jar = Path.of(entries.get(0)).toAbsolutePath();
            try (JarFile file = new JarFile(jar.toFile())) {
                Manifest manifest = file.getManifest();
                String classPath =
                        manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
                if (classPath != null && !classPath.isBlank()) {
                    return Arrays.stream(classPath.trim().split("\\s+"))
                            .map(u ->
                                    Path.of(jar.getParent().toUri().resolve(u)).toString())
                            .toList();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the manifest of " + jar, e);
            }
        }
        return entries;
    }
}
