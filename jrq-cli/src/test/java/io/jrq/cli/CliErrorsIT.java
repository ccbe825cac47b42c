package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Jrq;
import io.jrq.RecurringJob;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisServer;
import io.jrq.testkit.TlsCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's errors when Redis is full and when a connection fails, run as a process: a
 * full Redis is said in plain words with its own exit code and nothing is stored; "use rediss://" is
 * said for a port that speaks TLS, and not for a connection closed, reset or refused while
 * connecting.
 */
class CliErrorsIT {
    private static final Keys KEYS = new Keys("jrq");

    @TempDir
    Path tmp;

    /** Fills Redis until it refuses writes, then keeps it there (see EnqueueErrorsIT in jrq-core). */
    private static void fill(RedisServer server) {
        String value = "x".repeat(16_000);
        for (int i = 0; i < 10_000; i++) {
            try {
                server.execute("SET", "filler:" + i, value);
            } catch (IllegalStateException e) {
                assertThat(e.getMessage()).contains("OOM");
                break;
            }
        }
        long used = 0;
        for (String line : server.execute("INFO", "memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                used = Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        server.execute("CONFIG", "SET", "maxmemory", Long.toString(used - 256 * 1024));
    }

    private static void print(String what, Cli.Result r) {
        System.out.println("CliErrorsIT: " + what + " -> exit " + r.exitCode() + ", stderr: "
                + r.err().trim());
    }

    @Test
    void aFullRedisIsSaidPlainlyWithExit4AndNothingIsStored() throws IOException {
        try (RedisServer redis = RedisServer.builder()
                        .config("maxmemory", "3mb")
                        .config("maxmemory-policy", "noeviction")
                        .start();
                Jrq jrq = Jrq.connect(redis.url())) {
            Cli cli = new Cli(tmp, redis.url());
            String queue = "full";
            jrq.queue(queue).enqueue("io.jrq.demo.DemoJobs::echo", "before");
            jrq.recurring()
                    .schedule(RecurringJob.builder("hourly")
                            .queue(queue)
                            .every(Duration.ofHours(1))
                            .handler("tick", "hourly")
                            .build());
            fill(redis);

            Cli.Result one =
                    cli.run("enqueue", "-q", queue, "--id", "refused-1", "io.jrq.demo.DemoJobs::echo", "hello");
            print("enqueue on a full Redis", one);
            assertThat(one.exitCode()).as(one.toString()).isEqualTo(ExitCodes.REDIS_FULL);
            assertThat(one.err())
                    .as(one.toString())
                    .startsWith("jrq: Redis is full (maxmemory reached")
                    .contains("refused-1")
                    .contains("nothing was stored");
            assertThat(one.out()).isEmpty();
            assertThat(redis.execute("HEXISTS", KEYS.queued(queue), "refused-1"))
                    .isEqualTo("0");

            // A queue never seen: its registration is refused, and nothing is sent.
            Cli.Result fresh =
                    cli.run("enqueue", "-q", "never-seen", "io.jrq.demo.DemoJobs::echo", "hello", "--wait", "5s");
            print("enqueue --wait on a new queue of a full Redis", fresh);
            assertThat(fresh.exitCode()).as(fresh.toString()).isEqualTo(ExitCodes.REDIS_FULL);
            assertThat(fresh.err()).startsWith("jrq: Redis is full (maxmemory reached");
            assertThat(redis.execute("SISMEMBER", "jrq:queues", "never-seen")).isEqualTo("0");

            Path file = tmp.resolve("jobs.jsonl");
            Files.write(
                    file,
                    List.of(
                            "{\"fn\":\"io.jrq.demo.DemoJobs::echo\",\"args\":[1]}",
                            "{\"fn\":\"io.jrq.demo.DemoJobs::echo\",\"args\":[2]}"));
            Cli.Result bulk = cli.run("enqueue", "--file", file.toString(), "-q", queue);
            print("enqueue --file on a full Redis", bulk);
            assertThat(bulk.exitCode()).as(bulk.toString()).isEqualTo(ExitCodes.REDIS_FULL);
            assertThat(bulk.err())
                    .contains("jrq: Redis is full (maxmemory reached")
                    .contains("no job was enqueued before")
                    .contains("the jobs from line 1 of " + file + " on were not enqueued");
            assertThat(redis.execute("LLEN", KEYS.ready(queue)))
                    .as("only the job from before")
                    .isEqualTo("1");

            // Reading and deleting need no memory: they work on a full Redis, and deleting makes room.
            Cli.Result list = cli.run("recurring", "list");
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.out()).contains("hourly");
            Cli.Result delete = cli.run("recurring", "delete", "-q", queue, "hourly");
            assertThat(delete.exitCode()).as(delete.toString()).isZero();

            redis.execute("CONFIG", "SET", "maxmemory", "64mb");
            Cli.Result after =
                    cli.run("enqueue", "-q", queue, "--id", "refused-1", "io.jrq.demo.DemoJobs::echo", "hello");
            assertThat(after.exitCode()).as(after.toString()).isZero();
            assertThat(after.out().trim()).isEqualTo("refused-1");
            // The same command again: the same job, not a second one.
            Cli.Result again =
                    cli.run("enqueue", "-q", queue, "--id", "refused-1", "io.jrq.demo.DemoJobs::echo", "hello");
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(again.out().trim()).isEqualTo("refused-1");
            assertThat(redis.execute("LLEN", KEYS.ready(queue))).isEqualTo("2");
            Cli.Result other =
                    cli.run("enqueue", "-q", queue, "--id", "refused-1", "io.jrq.demo.DemoJobs::echo", "other");
            assertThat(other.exitCode()).as(other.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(other.err()).contains("already exists");
        }
    }

    /** Accepts connections and drops each at once, as a server does that dies or sheds clients while they connect. */
    private static final class Dropper implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        Dropper(boolean reset) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(
                    () -> {
                        while (!socket.isClosed()) {
                            try (Socket s = socket.accept()) {
                                if (reset) {
                                    s.setSoLinger(true, 0);
                                }
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "dropper");
            thread.setDaemon(true);
            thread.start();
        }

        String url() {
            return "redis://127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void theTlsHintComesOnlyForAPortThatSpeaksTls() throws Exception {
        TlsCertificates.requireOpenssl();
        TlsCertificates certs = TlsCertificates.generate(Files.createDirectory(tmp.resolve("ca")));
        Cli cli = new Cli(tmp, null);
        String[] enqueue = {"enqueue", "io.jrq.demo.DemoJobs::echo", "x", "--wait", "5s", "-u"};
        try (RedisServer tls = RedisServer.builder().tls(certs, false).start()) {
            Cli.Result r = cli.run(with(enqueue, "redis://127.0.0.1:" + tls.tlsPort()));
            print("plaintext URL on a TLS port", r);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
            assertThat(r.err()).contains("use rediss://");
        }
        for (boolean reset : new boolean[] {false, true}) {
            try (Dropper dropper = new Dropper(reset)) {
                Cli.Result r = cli.run(with(enqueue, dropper.url()));
                print(reset ? "connection reset while connecting" : "connection closed while connecting", r);
                assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
                assertThat(r.err())
                        .as(r.toString())
                        .contains("cannot connect to Redis at 127.0.0.1:")
                        .doesNotContain("rediss", "TLS");
            }
        }
        try (RedisServer killed = RedisServer.start()) {
            String url = killed.url();
            killed.kill();
            Cli.Result r = cli.run(with(enqueue, url));
            print("Redis killed before the connect", r);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
            assertThat(r.err()).doesNotContain("rediss", "TLS");
        }
    }

    private static String[] with(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
