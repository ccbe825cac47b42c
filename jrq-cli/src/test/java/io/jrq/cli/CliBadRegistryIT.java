package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Worker;
import io.jrq.demo.DemoJobs;
import io.jrq.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Members of the queue registry {@code jrq:queues} that are not queue names (written by something
 * else) do not break the operators' commands: {@code info}, {@code queue list}, {@code failed list},
 * {@code recurring list} and {@code job show} exit 0, show every valid queue, and warn once per bad
 * member on stderr, escaped. On a server of its own: such members would show in every other test.
 */
class CliBadRegistryIT {
    @TempDir
    Path tmp;

    private static void sadd(RedisServer redis, byte[]... members) {
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            c.sync().sadd("jrq:queues".getBytes(StandardCharsets.UTF_8), members);
        } finally {
            client.shutdown();
        }
    }

    private static void assertWarnedOnce(Cli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err().lines().filter(l -> l.contains("skipped a bad record: jrq:queues holds 'bad queue name{}'")))
                .as(r.toString())
                .hasSize(1);
        assertThat(r.err()
                        .lines()
                        .filter(l -> l.contains("jrq:queues holds '\\xff\\xfe-q'") && l.contains("not UTF-8")))
                .as(r.toString())
                .hasSize(1);
        assertThat(r.err())
                .as(r.toString())
                .contains("jrq:queues holds '\\x1b]0;pwned\\x07'")
                .doesNotContain("\u001b")
                .doesNotContain("\u0007")
                .doesNotContain("IllegalArgumentException");
    }

    @Test
    void badRegistryMembersAreSkippedWithAWarningAndEveryValidQueueShows() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String a = "good-a-" + tag;
        String b = "good-b-" + tag;
        try (RedisServer redis = RedisServer.start();
                Jrq jrq = Jrq.connect(redis.url())) {
            Job<Void> failed;
            try (Worker w = jrq.worker(a)
                    .allowPackages("io.jrq.demo")
                    .handleSignals(false)
                    .shutdownGrace(Duration.ZERO)
                    .start()) {
                failed = jrq.queue(a).enqueue(DemoJobs::fail, "boom");
                assertThat(catchThrowable(() -> failed.await(Duration.ofSeconds(20))))
                        .isInstanceOf(io.jrq.JobFailedException.class);
            }
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            jrq.queue(b).enqueue(DemoJobs::echo, "waiting");
            sadd(
                    redis,
                    "bad queue name{}".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xff, (byte) 0xfe, '-', 'q'},
                    "\u001b]0;pwned\u0007".getBytes(StandardCharsets.UTF_8));
            Cli cli = new Cli(tmp, redis.url());

            Cli.Result info = cli.run("info");
            assertWarnedOnce(info);
            assertThat(info.out())
                    .containsPattern("\n" + a + " +0 +0 +0 +0 +0 +1 +0\n")
                    .containsPattern("\n" + b + " +1 +0 ");

            Cli.Result list = cli.run("queue", "list");
            assertWarnedOnce(list);
            assertThat(list.out()).contains(a).contains(b).doesNotContain("bad queue");
            Cli.Result json = cli.run("queue", "list", "--json");
            assertWarnedOnce(json);
            assertThat(json.lines()).hasSize(2);
            assertThat(json.lines().get(0)).startsWith("{\"name\":\"" + a + "\"");
            assertThat(json.lines().get(1)).startsWith("{\"name\":\"" + b + "\"");

            Cli.Result failedList = cli.run("failed", "list");
            assertWarnedOnce(failedList);
            assertThat(failedList.out())
                    .contains(failed.id() + "  " + a + "  io.jrq.demo.DemoJobs::fail")
                    .endsWith("1 failed job.\n");

            // Finding a job by id alone and listing recurring jobs read the registry too.
            Cli.Result show = cli.run("job", "show", failed.id());
            assertWarnedOnce(show);
            assertThat(show.out()).contains("FAILED");
            Cli.Result recurring = cli.run("recurring", "list");
            assertWarnedOnce(recurring);
            assertThat(recurring.out()).isEqualTo("No recurring jobs.\n");

            // Nothing was removed: the commands only read.
            assertThat(redis.execute("SCARD", "jrq:queues")).isEqualTo("5");
        }
    }
}
