package io.jrq.bench;

import io.jrq.Jrq;
import io.jrq.JrqMetrics;
import io.jrq.Worker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A worker process as a deployment runs it: its own JVM, its own client, one worker serving one
 * queue or several (strict priority, or weighted). The benchmark talks to it over stdin/stdout, one
 * line each way:
 *
 * <ul>
 *   <li>it prints {@code ready} once the worker runs;</li>
 *   <li>{@code pickups} prints the pickup latencies recorded by {@link BenchJobs#pickup} since the
 *       last such request, as {@code pickups n p50 p90 p99 p999 max} in microseconds, and clears them;</li>
 *   <li>{@code cpu} prints {@code cpu <ns>}, the process's CPU time so far;</li>
 *   <li>{@code quit}, or the end of stdin, closes the worker and exits.</li>
 * </ul>
 *
 * <p>With {@code -Djrq.bench.metrics=true} (pass it with {@code ./bench --worker-jvm}) the worker
 * also keeps jrq's meters in a Prometheus registry, scraped every 15 s as Prometheus would, so that
 * the cost of the meters shows in the worker's CPU per job.
 *
 * <p>usage: {@code WorkerMain <redis-url> <queue>[,<queue>...] <concurrency> [<weight>,<weight>...]};
 * without weights the queues are served in strict priority, first listed first.
 */
public final class WorkerMain {
    private WorkerMain() {}

    /** @param args redis URL, queues (comma-separated), concurrency, optionally one weight per queue */
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String[] queues = args[1].split(",");
        int concurrency = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Jrq jrq = Jrq.connect(url);
                AutoCloseable metrics = Boolean.getBoolean("jrq.bench.metrics") ? meters(jrq) : () -> {};
                Worker worker = configure(jrq.worker(queues), args)
                        .concurrency(concurrency)
                        .allowPackages("io.jrq.bench")
                        .shutdownGrace(java.time.Duration.ofSeconds(5))
                        .start()) {
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                switch (line.trim()) {
                    case "pickups" -> out.println("pickups " + summary(BenchJobs.drainPickups()));
                    case "cpu" -> out.println("cpu " + cpuNanos());
                    case "quit" -> {
                        return;
                    }
                    default -> out.println("error unknown command: " + line);
                }
            }
        }
    }

    /** @return the builder, weighted if the arguments give weights */
    private static Worker.Builder configure(Worker.Builder builder, String[] args) {
        if (args.length > 3) {
            builder.weights(Arrays.stream(args[3].split(","))
                    .mapToInt(Integer::parseInt)
                    .toArray());
        }
        return builder;
    }

    /** Binds the meters to a Prometheus registry scraped every 15 s; closing stops both. */
    private static AutoCloseable meters(Jrq jrq) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JrqMetrics metrics = new JrqMetrics(jrq);
        metrics.bindTo(registry);
        ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-scrape");
            t.setDaemon(true);
            return t;
        });
        scraper.scheduleAtFixedRate(registry::scrape, 15, 15, TimeUnit.SECONDS);
        return () -> {
            scraper.shutdownNow();
            metrics.close();
        };
    }

    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    private static String summary(long[] sorted) {
        if (sorted.length == 0) {
            return "0 0 0 0 0 0";
        }
        return sorted.length + " " + Stats.percentile(sorted, 50) + " " + Stats.percentile(sorted, 90) + " "
                + Stats.percentile(sorted, 99) + " " + Stats.percentile(sorted, 99.9) + " " + sorted[sorted.length - 1];
    }
}
