package io.jrq.bench;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.RetryPolicy;
import io.jrq.Worker;
import io.jrq.dashboard.Authenticator;
import io.jrq.dashboard.Dashboard;
import io.jrq.dashboard.DashboardServer;
import io.jrq.testkit.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How long the dashboard takes to render its pages over a big queue: a private Redis gets
 * {@code --waiting} queued jobs and {@code --failed} failed ones in one queue, then each page is
 * fetched {@code --rounds} times over loopback after a warm-up, and the time from request to the
 * last byte is printed (min, median, p95, max, in ms) as one JSON line per page. The time includes
 * the loopback HTTP exchange, so it bounds the server's time from above.
 *
 * <pre>java -cp jrq-bench/target/benchmarks.jar io.jrq.bench.DashboardRender [--waiting N] [--failed N] [--rounds N]</pre>
 */
public final class DashboardRender {
    private DashboardRender() {}

    /** @param args {@code --waiting N --failed N --rounds N} */
    public static void main(String[] args) throws Exception {
        Map<String, Integer> o =
                new LinkedHashMap<>(Map.of("--waiting", 1_000_000, "--failed", 10_000, "--rounds", 50));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!o.containsKey(args[i])) {
                System.err.println(
                        "usage: DashboardRender [--waiting N] [--failed N] [--rounds N]; unknown option " + args[i]);
                System.exit(2);
            }
            o.put(args[i], Integer.parseInt(args[i + 1]));
        }
        int waiting = o.get("--waiting");
        int failed = o.get("--failed");
        int rounds = o.get("--rounds");
        String queue = "big";
        try (RedisServer redis = RedisServer.builder()
                        .config("save", "\"\"")
                        .appendOnly(false)
                        .start();
                Jrq jrq = Jrq.connect(redis.url())) {
            System.err.println("[dashboard] Redis " + redis.version() + "; failing " + failed + " jobs");
            fill(jrq, queue, "fails", failed);
            try (Worker w = jrq.worker(queue)
                    .concurrency(50)
                    .handler(
                            "fails",
                            ctx -> {
                                throw new IllegalStateException("failed on purpose");
                            },
                            RetryPolicy.none())
                    .start()) {
                long deadline = System.currentTimeMillis() + 600_000;
                while (w.isRunning()
                        && jrq.admin().queue(queue).count(JobStatus.FAILED) < failed
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
            }
            System.err.println("[dashboard] enqueuing " + waiting + " waiting jobs");
            fill(jrq, queue, "waits", waiting);
            String someId =
                    jrq.admin().jobs(queue, JobStatus.FAILED, 0, 1).get(0).id();
            System.err.println("[dashboard] " + jrq.admin().queue(queue).counts());
            try (Dashboard d = Dashboard.builder(jrq)
                            .authenticator(Authenticator.password("admin", "benchmark-password"))
                            .build();
                    DashboardServer s = DashboardServer.start(d, "127.0.0.1", 0, "")) {
                String base = "http://127.0.0.1:" + s.port();
                Map<String, String> pages = new LinkedHashMap<>();
                pages.put("overview", "/");
                pages.put("queue-waiting-first-page", "/queues/" + queue);
                pages.put("queue-waiting-page-10000", "/queues/" + queue + "?page=10000");
                pages.put("queue-waiting-oldest-first", "/queues/" + queue + "?order=reverse");
                pages.put("queue-failed", "/queues/" + queue + "?state=failed");
                pages.put("queue-filter-by-function", "/queues/" + queue + "?fn=nomatch");
                pages.put("failed-page", "/failed?queue=" + queue);
                pages.put("job-page", "/queues/" + queue + "/jobs/" + someId);
                pages.put("api-queues", "/api/queues");
                pages.put("api-failed-jobs", "/api/queues/" + queue + "/jobs?state=failed&size=200");
                HttpClient http = HttpClient.newHttpClient();
                String auth = "Basic "
                        + Base64.getEncoder()
                                .encodeToString("admin:benchmark-password".getBytes(StandardCharsets.UTF_8));
                for (Map.Entry<String, String> p : pages.entrySet()) {
                    HttpRequest req = HttpRequest.newBuilder(URI.create(base + p.getValue()))
                            .header("Authorization", auth)
                            .build();
                    List<Double> ms = new ArrayList<>();
                    int bytes = 0;
                    for (int i = 0; i < rounds + 10; i++) {
                        long t0 = System.nanoTime();
                        HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        double took = (System.nanoTime() - t0) / 1e6;
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException(p.getValue() + " answered " + r.statusCode());
                        }
                        bytes = r.body().length;
                        if (i >= 10) {
                            ms.add(took);
                        }
                    }
                    double[] v = ms.stream()
                            .mapToDouble(Double::doubleValue)
                            .sorted()
                            .toArray();
                    System.out.printf(
                            java.util.Locale.ROOT,
                            "{\"bench\":\"dashboard\",\"page\":\"%s\",\"waiting\":%d,\"failed\":%d,\"rounds\":%d,\"bytes\":%d,"
                                    + "\"min_ms\":%.2f,\"median_ms\":%.2f,\"p95_ms\":%.2f,\"max_ms\":%.2f}%n",
                            p.getKey(),
                            waiting,
                            failed,
                            rounds,
                            bytes,
                            v[0],
                            v[v.length / 2],
                            v[(int) (v.length * 0.95)],
                            v[v.length - 1]);
                }
            }
        }
    }

    private static void fill(Jrq jrq, String queue, String handler, int n) {
        List<List<?>> chunk = new ArrayList<>(1000);
        for (int i = 0; i < n; i++) {
            chunk.add(Arrays.asList(i, "x"));
            if (chunk.size() == 1000 || i == n - 1) {
                List<Job<Object>> jobs = jrq.queue(queue).enqueueAll(handler, chunk);
                if (jobs.size() != chunk.size()) {
                    throw new IllegalStateException("enqueued " + jobs.size() + " of " + chunk.size());
                }
                chunk.clear();
            }
        }
    }
}
