package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.RecurringJob;
import io.jrq.Worker;
import io.jrq.demo.DemoJobs;
import io.jrq.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the command line works as a Redis user with exactly the least-privilege rule of
 * docs/SECURITY.md ("Redis ACL for jrq", read from the document), and the server refuses that user
 * nothing meanwhile ({@code ACL LOG} stays empty). On a private server whose default user has a
 * password, so nothing runs with more rights by accident.
 */
class CliLeastPrivilegeIT {
    private static final String USER = "jrq";
    static final String PASSWORD = "Cli-lp-s3cret-9";

    @TempDir
    Path tmp;

    /**
     * The arguments of {@code ACL SETUSER jrq ...}: the section's first such line, and those later
     * lines whose comment fits the server (see jrq-core's AclRule, which the core tests use).
     */
    static List<String> rule(String version) {
        Path doc = null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && doc == null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/SECURITY.md"))) {
                doc = dir.resolve("docs/SECURITY.md");
            }
        }
        String text;
        try {
            text = Files.readString(doc);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("docs/SECURITY.md not found", e);
        }
        int start = text.indexOf("\n## Redis ACL for jrq\n");
        int end = text.indexOf("\n## ", start + 5);
        List<String> out = new ArrayList<>();
        boolean code = false;
        for (String line : text.substring(start, end < 0 ? text.length() : end).split("\n")) {
            if (line.startsWith("```")) {
                code = !code;
                continue;
            }
            if (!code || !line.startsWith("ACL SETUSER jrq ")) {
                continue;
            }
            int hash = line.indexOf(" #");
            String condition = hash < 0 ? "" : line.substring(hash + 2).trim();
            boolean applies = condition.isEmpty()
                    || (condition.equals("Redis 7.2 and later") && atLeast72(version))
                    || (condition.equals("Redis 6.2") && version.startsWith("6.2."));
            if (applies) {
                for (String r : (hash < 0 ? line : line.substring(0, hash))
                        .substring("ACL SETUSER jrq ".length())
                        .trim()
                        .split("\\s+")) {
                    out.add(r.equals(">secret") ? ">" + PASSWORD : r);
                }
            }
        }
        assertThat(out).as("the rule of docs/SECURITY.md").contains("-@all", "~jrq:*", "&jrq:*");
        return out;
    }

    private static boolean atLeast72(String version) {
        String[] p = version.split("\\.");
        int major = Integer.parseInt(p[0]);
        return major > 7 || (major == 7 && Integer.parseInt(p[1]) >= 2);
    }

    private static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Cli.sleep(50);
        }
        return condition.getAsBoolean();
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).doesNotContain("NOPERM").doesNotContain("Exception");
        return r;
    }

    @Test
    void everyCommandWorksAsTheAclUser() {
        String q = "clp-" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisServer redis =
                RedisServer.builder().password("admin-" + PASSWORD).start()) {
            List<String> cmd = new ArrayList<>(List.of("ACL", "SETUSER", USER));
            cmd.addAll(rule(redis.version()));
            redis.execute(cmd.toArray(String[]::new));
            redis.execute("ACL", "LOG", "RESET");
            String url = "redis://" + USER + ":" + PASSWORD + "@127.0.0.1:" + redis.port();
            Cli cli = new Cli(tmp, url);

            // Producer and a burst worker as processes.
            String id = ok(cli.run("enqueue", "-q", q, "io.jrq.demo.DemoJobs::echo", "hi"))
                    .lines()
                    .get(0);
            ok(cli.run("enqueue", "-q", q, "--in", "1s", "io.jrq.demo.DemoJobs::fail", "boom"));
            ok(cli.run(
                    "enqueue",
                    "-q",
                    q,
                    "--retry",
                    "1",
                    "--retry-delay",
                    "100ms",
                    "--timeout",
                    "5s",
                    "io.jrq.demo.DemoJobs::noop",
                    "3"));
            Path jobs = tmp.resolve("jobs.jsonl");
            try {
                Files.writeString(
                        jobs,
                        "{\"fn\":\"io.jrq.demo.DemoJobs::noop\",\"args\":[1]}\n{\"fn\":\"io.jrq.demo.DemoJobs::noop\",\"args\":[2]}\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ok(cli.run("enqueue", "-q", q, "--file", jobs.toString()));
            Cli.sleep(1200);
            ok(cli.run("worker", "-q", q, "--allow", "io.jrq.demo", "--burst"));
            assertThat(ok(cli.run("job", "show", id)).out())
                    .contains("FINISHED")
                    .contains("\"hi\"");

            // A worker in this JVM, as the same user, for what needs one running.
            try (Jrq jrq = Jrq.connect(url);
                    Worker w = jrq.worker(q)
                            .allowPackages("io.jrq.demo")
                            .handleSignals(false)
                            .shutdownGrace(Duration.ZERO)
                            .heartbeatInterval(Duration.ofMillis(200))
                            .start()) {
                assertThat(ok(cli.run("enqueue", "-q", q, "io.jrq.demo.DemoJobs::noop", "-7", "--wait", "20s"))
                                .lines())
                        .contains("-7");
                Job<Long> running = jrq.queue(q).enqueue(DemoJobs::sleep, 30_000L);
                assertThat(eventually(() -> running.status() == JobStatus.STARTED))
                        .isTrue();
                assertThat(eventually(() -> !jrq.admin().workers().isEmpty()
                                && !jrq.admin().workers().get(0).jobs().isEmpty()))
                        .isTrue();
                assertThat(ok(cli.run("info")).out()).contains(q).contains(w.name() + " runs:");
                ok(cli.run("info", "-q", q, "--json", "--interval", "0.2", "--count", "2"));
                ok(cli.run("job", "stop", running.id()));
                assertThat(running.status()).isEqualTo(JobStatus.STOPPED);
                Job<String> later = jrq.queue(q).in(Duration.ofHours(1)).enqueue(DemoJobs::echo, "later");
                ok(cli.run("job", "cancel", later.id()));
                ok(cli.run("job", "requeue", later.id()));
                ok(cli.run("job", "delete", running.id()));

                ok(cli.run("queue", "list"));
                ok(cli.run("queue", "pause", q));
                ok(cli.run("enqueue", "-q", q, "io.jrq.demo.DemoJobs::noop", "1"));
                assertThat(ok(cli.run("queue", "empty", q)).out()).contains("deleted 1 queued job");
                ok(cli.run("queue", "resume", q));

                assertThat(ok(cli.run("failed", "list", "-q", q)).out()).contains("boom");
                ok(cli.run("failed", "requeue", "--all", "-q", q));
                assertThat(eventually(() -> jrq.admin().queue(q).count(JobStatus.FAILED) == 1))
                        .isTrue();
                ok(cli.run("failed", "delete", "--all"));

                jrq.recurring()
                        .schedule(RecurringJob.builder("clp-tick")
                                .queue(q)
                                .every(Duration.ofHours(1))
                                .call(DemoJobs::echo, "t")
                                .build());
                assertThat(ok(cli.run("recurring", "list")).out()).contains("clp-tick");
                ok(cli.run("recurring", "delete", "-q", q, "clp-tick"));
            }
            // The worker command itself, running until told to stop, as a service manager would.
            Cli.Running worker = cli.start("worker", "-q", q, "--allow", "io.jrq.demo");
            assertThat(ok(cli.run("enqueue", "-q", q, "io.jrq.demo.DemoJobs::echo", "served", "--wait", "30s"))
                            .out())
                    .contains("served");
            worker.terminate();
            Cli.Result stopped = worker.await(Cli.LIMIT);
            assertThat(stopped.err()).as(stopped.toString()).doesNotContain("NOPERM");

            String log = redis.execute("ACL", "LOG");
            assertThat(log == null ? "" : log.trim())
                    .as("ACL LOG: what the server refused the jrq user")
                    .isEmpty();
        }
    }
}
