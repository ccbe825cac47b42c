package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.testkit.RedisServer;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real command line in a separate JVM, as a user would. */
class DemoIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void demoRunsAgainstARunningRedis() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            Result r = jrq(Map.of(), "demo", "--jobs", "2000", "-u", redis.url());

            assertThat(r.exitCode).as(r.toString()).isZero();
            assertThat(r.elapsed).isLessThan(LIMIT);
            assertThat(r.out)
                    .contains("Redis: " + redis.url())
                    .doesNotContain("temporary")
                    .contains("enqueue returned after")
                    .contains("STARTED on worker demo-")
                    .contains("FINISHED, result pushed back: 16 words")
                    .contains("2,000/2,000 done")
                    .containsPattern("bulk enqueue +2,000 jobs in .*: [\\d,]+ jobs/s")
                    .containsPattern("processing +2,000 jobs in .*: [\\d,]+ jobs/s");
            assertThat(r.err).as("logs stay quiet by default").isBlank();
        }
    }

    @Test
    void startsATemporaryRedisWhenNoneAnswers() throws Exception {
        // The Redis packed in the jar, as on a machine without redis-server installed.
        Result r = jrq(
                Map.of("JRQ_REDIS_EMBEDDED", "true"), "demo", "--jobs", "500", "-u", "redis://127.0.0.1:" + freePort());

        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.elapsed).isLessThan(LIMIT);
        assertThat(r.out)
                .contains("No Redis answers at redis://127.0.0.1:")
                .containsPattern("started a temporary redis-server 6\\.2\\.\\d+ at redis://127\\.0\\.0\\.1:\\d+")
                .contains("result pushed back: 16 words")
                .contains("and the temporary Redis");
    }

    @Test
    void unreachableRedisWithoutFallbackExitsWith3() throws Exception {
        int port = freePort();
        Result r = jrq(Map.of(), "demo", "--no-fallback", "-u", "redis://127.0.0.1:" + port);

        assertThat(r.exitCode).as(r.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
        assertThat(r.err.lines())
                .as(r.toString())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("jrq: cannot connect to Redis at 127.0.0.1:" + port);
    }

    @Test
    void verboseShowsTheStackTrace() throws Exception {
        Result r = jrq(Map.of(), "demo", "--no-fallback", "--verbose", "-u", "redis://127.0.0.1:" + freePort());

        assertThat(r.exitCode).as(r.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
        assertThat(r.err).contains("io.jrq.RedisUnavailableException").contains("\tat ");
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        Result r = jrq(Map.of(), "demo", "--no-such-option");

        assertThat(r.exitCode).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err).startsWith("jrq: Unknown option: '--no-such-option'");
    }

    private Result jrq(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        String jar = System.getProperty("jrq.cli.jar");
        if (jar != null && new File(jar).isFile()) {
            command.add("-jar");
            command.add(jar);
        } else {
            // Run from an IDE: no packaged jar, but the test class path holds everything.
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Main.class.getName());
        }
        command.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("JRQ_REDIS_URL");
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(LIMIT.toSeconds() + 30, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8),
                elapsed);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private record Result(int exitCode, String out, String err, Duration elapsed) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + elapsed + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }
}
