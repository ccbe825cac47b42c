package io.jrq.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Jrq;
import io.jrq.testkit.Private;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Live pages are fed by the server's own interval: however many browsers listen, Redis is read
 * once per interval, and every stream gets the same updates.
 */
@ExtendWith(RedisExtension.class)
class LiveFeedIT {
    private static final Pattern LLEN = Pattern.compile("cmdstat_llen:calls=(\\d+)");

    @Test
    void manyStreamsShareOneReadPerInterval(@Private RedisServer redis) throws Exception {
        Duration interval = Duration.ofMillis(500);
        try (Jrq jrq = Jrq.connect(redis.url());
                Dashboard d = Dashboard.builder(jrq)
                        .authenticator(Authenticator.password("admin", "correct-horse-1"))
                        .liveInterval(interval)
                        .build();
                DashboardServer s = DashboardServer.start(d, "127.0.0.1", 0, "")) {
            jrq.queue("live").enqueue("nothing");
            Http h = new Http("http://127.0.0.1:" + s.port()).login("", "admin", "correct-horse-1");
            int streams = 8;
            List<InputStream> bodies = new ArrayList<>();
            AtomicInteger events = new AtomicInteger();
            List<Thread> readers = new ArrayList<>();
            long before = llenCalls(redis);
            for (int i = 0; i < streams; i++) {
                HttpResponse<InputStream> r = Http.CLIENT.send(
                        h.request("/live?topic=overview").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
                bodies.add(r.body());
                Thread t = new Thread(() -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            if (line.startsWith("data: ") && line.contains("\"queues\"")) {
                                events.incrementAndGet();
                            }
                        }
                    } catch (Exception closed) {
                        // the test closed the stream
                    }
                });
                t.start();
                readers.add(t);
            }
            long begin = System.nanoTime();
            Thread.sleep(3000);
            for (InputStream b : bodies) {
                b.close();
            }
            for (Thread t : readers) {
                t.join(2000);
            }
            long elapsedMs = (System.nanoTime() - begin) / 1_000_000;
            long reads = llenCalls(redis) - before;
            long ticks = elapsedMs / interval.toMillis() + 2;
            // one LLEN per queue per read: the overview's reads, not one per stream
            assertThat(reads).as("LLEN calls in %d ms", elapsedMs).isBetween(2L, ticks + 1);
            assertThat(events.get())
                    .as("updates over %d streams", streams)
                    .isGreaterThanOrEqualTo(streams * 2)
                    .isLessThanOrEqualTo((int) (streams * ticks));
        }
    }

    @Test
    void streamsBeyondTheLimitAreRefused(RedisServer redis) throws Exception {
        try (Jrq jrq = Jrq.connect(redis.url());
                Dashboard d = Dashboard.builder(jrq)
                        .authenticator(Authenticator.password("admin", "correct-horse-1"))
                        .maxLiveStreams(2)
                        .build();
                DashboardServer s = DashboardServer.start(d, "127.0.0.1", 0, "")) {
            Http h = new Http("http://127.0.0.1:" + s.port()).login("", "admin", "correct-horse-1");
            List<InputStream> open = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                HttpResponse<InputStream> r = Http.CLIENT.send(
                        h.request("/live?topic=overview").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(r.statusCode()).isEqualTo(200);
                open.add(r.body());
            }
            HttpResponse<String> third = h.get("/live?topic=overview");
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.body()).contains("too many live pages");
            for (InputStream b : open) {
                b.close();
            }
        }
    }

    private static long llenCalls(RedisServer redis) {
        Matcher m = LLEN.matcher(redis.execute("INFO", "commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
