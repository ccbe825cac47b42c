package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.RecurringJob;
import io.jrq.testkit.RedisServer;
import io.jrq.testkit.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Worker and client JVMs whose clocks are 30 s ahead and 30 s behind (libfaketime), against one
 * Redis. jrq decides leases, due times and recurring ticks by the Redis clock, so none of them may
 * move: a job longer than its lease on one skewed worker is not taken over by the other worker's
 * reaper, a job enqueued with {@code in(3 s)} by a skewed client runs about 3 s later, and a
 * recurring job ticks once a second.
 *
 * <p>Needs libfaketime (Debian package {@code faketime}, which CI installs). Without it the test
 * is skipped, or fails when {@code JRQ_STRICT_TESTS=1} (as in CI).
 */
class ClockSkewIT {
    private static final long SKEW_MS = 30_000;
    private static final long LEASE_MS = 1500;
    private static final long LONG_JOB_MS = 4000;
    private static final long DELAY_MS = 3000;
    private static final List<String> LIBRARIES = List.of(
            "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
            "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
            "/usr/lib/faketime/libfaketimeMT.so.1",
            "/usr/lib64/faketime/libfaketimeMT.so.1",
            "/usr/local/lib/faketime/libfaketimeMT.so.1");
    private static final Pattern CLOCK = Pattern.compile("CLOCK (\\d+)");

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    @Test
    void leasesDueTimesAndTicksFollowRedisTimeWhateverTheClientClocks() throws Exception {
        String lib = fakeTimeLibrary();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "skew-" + suffix;
        try (RedisServer server = RedisServer.start();
                Jrq jrq = Jrq.connect(server.url())) {
            WorkerProcess.Spec spec = new WorkerProcess.Spec(server.url(), queue)
                    .lease(LEASE_MS)
                    .reap(300)
                    .concurrency(2);
            WorkerProcess ahead = fleet.start("ahead-" + suffix, spec, List.of(), skewed(lib, "+30s"));
            WorkerProcess behind = fleet.start("behind-" + suffix, spec, List.of(), skewed(lib, "-30s"));
            ahead.awaitReady(Duration.ofSeconds(60));
            behind.awaitReady(Duration.ofSeconds(60));
            long aheadBy = skewOf(ahead.outputText());
            long behindBy = skewOf(behind.outputText());
            assertSkewed("worker ahead", aheadBy, +SKEW_MS);
            assertSkewed("worker behind", behindBy, -SKEW_MS);

            Queue q = jrq.queue(queue);
            jrq.recurring()
                    .schedule(RecurringJob.builder("tick")
                            .queue(queue)
                            .every(Duration.ofSeconds(1))
                            .call(FaultJobs::brief, "tick")
                            .build());
            long ticksFrom = redisMillis(server);

            // Four jobs of 4 s with a 1.5 s lease on two workers of two slots each: both workers run
            // two, and each one's reaper (every 0.3 s) sees the other's jobs past any skewed deadline.
            List<Job<String>> longJobs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                longJobs.add(q.enqueue(FaultJobs::work, "long" + i, LONG_JOB_MS));
            }
            CompletableFuture.allOf(longJobs.stream().map(Job::future).toArray(CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
            RunLog runs = fleet.runs();
            for (Job<String> job : longJobs) {
                assertThat(runs.of(job.id())).as("runs of %s", job.id()).hasSize(1);
                assertThat(job.info().attempts()).as("attempts of %s", job.id()).isEqualTo(1);
                assertThat(job.status()).isEqualTo(JobStatus.FINISHED);
            }
            long onAhead = longJobs.stream()
                    .filter(j -> j.future().join().endsWith("@" + ahead.pid()))
                    .count();
            assertThat(onAhead)
                    .as("long jobs on the worker ahead (the other ones ran on the worker behind)")
                    .isEqualTo(2);

            // Skewed clients enqueue jobs due in 3 s.
            List<String> lines = new ArrayList<>();
            long maxLateMs = 0;
            for (String skew : List.of("+30s", "-30s")) {
                long expected = skew.startsWith("+") ? SKEW_MS : -SKEW_MS;
                Client c = runClient(server.url(), queue, "delayed" + skew, skewed(lib, skew));
                JobInfo info = awaitEnded(q, c.jobId);
                long enqueued = info.enqueuedAt().orElseThrow().toEpochMilli();
                long clientSkew = c.clockMs - enqueued;
                assertSkewed("client " + skew, clientSkew, expected);
                long due = info.dueAt().orElseThrow().toEpochMilli();
                long started = info.startedAt().orElseThrow().toEpochMilli();
                assertThat(info.status()).isEqualTo(JobStatus.FINISHED);
                assertThat(due - enqueued)
                        .as("due - enqueued (Redis time) for a client at %s", skew)
                        .isBetween(DELAY_MS - 5, DELAY_MS + 5);
                assertThat(started - enqueued)
                        .as("ms from enqueue to start (Redis time) for a client at %s", skew)
                        .isBetween(DELAY_MS - 5, DELAY_MS + 4000);
                maxLateMs = Math.max(maxLateMs, started - due);
                lines.add(String.format(
                        "client %s (clock off by %+d ms): ran %d ms after enqueue",
                        skew, clientSkew, started - enqueued));
            }

            // Recurring ticks, taken by whichever skewed worker came first: each run's id names the
            // tick's due time; none may be enqueued before it (a clock ahead) or long after it (behind).
            long ticksTo = redisMillis(server);
            jrq.recurring().delete(queue, "tick");
            List<long[]> ticks = new ArrayList<>();
            for (RunLog.Run r : fleet.runs().all()) {
                if (r.label().equals("tick")) {
                    long due = Long.parseLong(r.jobId().substring(r.jobId().lastIndexOf(':') + 1));
                    q.job(r.jobId())
                            .flatMap(j -> j.info().enqueuedAt())
                            .ifPresent(t -> ticks.add(new long[] {due, t.toEpochMilli()}));
                }
            }
            ticks.sort(Comparator.comparingLong(t -> t[0]));
            long span = ticksTo - ticksFrom;
            long maxLate = 0;
            for (int i = 0; i < ticks.size(); i++) {
                long due = ticks.get(i)[0];
                long late = ticks.get(i)[1] - due;
                assertThat(late)
                        .as("ms from the due time of tick %d to its enqueue (Redis time)", due)
                        .isBetween(0L, 3000L);
                maxLate = Math.max(maxLate, late);
                if (i > 0) {
                    assertThat(due - ticks.get(i - 1)[0])
                            .as("ms between the due times of consecutive ticks")
                            .isEqualTo(1000L);
                }
            }
            assertThat((long) ticks.size())
                    .as("ticks run in %d ms of a 1 s schedule", span)
                    .isBetween(span / 1000 - 4, span / 1000 + 1);

            System.out.printf(
                    "ClockSkewIT: workers at %+d/%+d ms, 4 jobs of %d ms with a %d ms lease: 0 taken over, 0 reruns;"
                            + " %s; %s; %d recurring ticks in %d ms, 1000 ms apart, each enqueued 0..%d ms after its due time%n",
                    aheadBy, behindBy, LONG_JOB_MS, LEASE_MS, lines.get(0), lines.get(1), ticks.size(), span, maxLate);
        }
    }

    /** The library; without it the test is skipped, or fails under JRQ_STRICT_TESTS=1 (see Requirements). */
    private static String fakeTimeLibrary() {
        String given = System.getenv("JRQ_FAKETIME_LIB");
        List<String> candidates = given != null ? List.of(given) : LIBRARIES;
        for (String c : candidates) {
            if (Files.isReadable(Path.of(c))) {
                return c;
            }
        }
        Requirements.require(
                false,
                "libfaketime not found (looked for " + candidates + "): install it (Debian: apt-get install"
                        + " faketime), or point JRQ_FAKETIME_LIB at libfaketimeMT.so.1");
        throw new IllegalStateException("unreachable");
    }

    private static Map<String, String> skewed(String lib, String offset) {
        // The JVM times its waits with the monotonic clock, which must stay real; with the
        // "monotonic fix" on, libfaketime 0.9.10 makes the JVM's timed waits spin and it barely starts.
        return Map.of(
                "LD_PRELOAD",
                lib,
                "FAKETIME",
                offset,
                "DONT_FAKE_MONOTONIC",
                "1",
                "FAKETIME_DONT_FAKE_MONOTONIC",
                "1",
                "FAKETIME_FORCE_MONOTONIC_FIX",
                "0");
    }

    private static long skewOf(String output) {
        Matcher m = CLOCK.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no CLOCK line in:\n" + output);
        }
        return Long.parseLong(m.group(1)) - System.currentTimeMillis();
    }

    /** The skewed clock was read a moment before the one it is compared with, so the measured skew is a little under the real one. */
    private static void assertSkewed(String who, long measured, long expected) {
        assertThat(measured)
                .as("clock skew of the %s in ms: libfaketime did not take effect", who)
                .isBetween(expected - 10_000, expected + 1_000);
    }

    private record Client(long clockMs, String jobId) {}

    private Client runClient(String url, String queue, String label, Map<String, String> env)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Files.createDirectories(fleet.dir());
        Path out = fleet.dir().resolve("client-" + label + ".out");
        ProcessBuilder b = new ProcessBuilder(
                        java,
                        "-Xmx128m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        EnqueueMain.class.getName(),
                        url,
                        queue,
                        Long.toString(DELAY_MS),
                        label)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        b.environment().putAll(env);
        Process p = b.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("client " + label + " did not finish in 60 s:\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Matcher clock = CLOCK.matcher(text);
        Matcher id = Pattern.compile("ENQUEUED (\\S+)").matcher(text);
        if (p.exitValue() != 0 || !clock.find() || !id.find()) {
            fail("client " + label + " failed (exit " + p.exitValue() + "):\n" + text);
        }
        return new Client(Long.parseLong(clock.group(1)), id.group(1));
    }

    private static JobInfo awaitEnded(Queue q, String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < deadline) {
            JobInfo info = q.job(id).orElseThrow().info();
            if (info.status().isTerminal()) {
                return info;
            }
            Thread.sleep(100);
        }
        return fail(
                "job " + id + " did not end in 40 s: " + q.job(id).orElseThrow().info());
    }

    private static long redisMillis(RedisServer server) {
        String[] t = server.execute("TIME").split("\n");
        return Long.parseLong(t[0]) * 1000 + Long.parseLong(t[1]) / 1000;
    }
}
