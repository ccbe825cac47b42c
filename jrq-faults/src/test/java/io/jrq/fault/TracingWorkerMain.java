package io.jrq.fault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.Jrq;
import io.jrq.JrqTracing;
import io.jrq.Worker;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A worker process with an OpenTelemetry SDK of its own, for {@link TracingAcrossProcessesIT}.
 * Arguments: Redis URL, queue, spans file, worker name. Its finished spans, kept by the SDK's
 * in-memory exporter, are written to the spans file every 50 ms as a JSON array (trace id, span
 * id, parent span id, name, kind, status, attributes), replaced whole so that a reader never sees
 * half a file. Prints {@code READY <name> <pid>} once the worker runs.
 */
public final class TracingWorkerMain {
    private TracingWorkerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: TracingWorkerMain <redis-url> <queue> <spans-file> <name>");
            System.exit(2);
        }
        // Never outlive the test JVM that started this process.
        ProcessHandle.current()
                .parent()
                .ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        TracedJobs.tracer = otel.getTracer("traced-jobs");
        Path spans = Path.of(args[2]);
        Thread writer = new Thread(
                () -> {
                    while (true) {
                        try {
                            write(exporter.getFinishedSpanItems(), spans);
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        } catch (IOException | RuntimeException e) {
                            System.err.println("cannot write spans: " + e);
                        }
                    }
                },
                "span-writer");
        writer.setDaemon(true);
        writer.start();
        Jrq jrq = Jrq.connect(args[0]);
        new JrqTracing(otel).bindTo(jrq);
        Worker worker =
                jrq.worker(args[1]).name(args[3]).allowPackages("io.jrq.fault").start();
        System.out.println(
                "READY " + worker.name() + " " + ProcessHandle.current().pid());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static void write(List<SpanData> finished, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ArrayNode all = json.createArrayNode();
        for (SpanData s : finished) {
            ObjectNode o = all.addObject();
            o.put("traceId", s.getTraceId());
            o.put("spanId", s.getSpanId());
            o.put("parentSpanId", s.getParentSpanContext().isValid() ? s.getParentSpanId() : null);
            o.put("name", s.getName());
            o.put("kind", s.getKind().name());
            o.put("status", s.getStatus().getStatusCode().name());
            ObjectNode attributes = o.putObject("attributes");
            s.getAttributes().forEach((key, value) -> attributes.put(key.getKey(), String.valueOf(value)));
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, json.writeValueAsString(all));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
