package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code jrq enqueue} of one job, run as a process. */
class CliEnqueueIT extends CliSupport {
    @Test
    void enqueuesAMethodByNameAndPrintsTheJobId() {
        Cli.Result r = cli.run("enqueue", "-q", queue, "io.jrq.demo.DemoJobs::echo", "hello world");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.lines()).as(r.toString()).hasSize(1);
        String id = r.lines().get(0);
        JobInfo job = jrq.admin().job(queue, id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.function()).isEqualTo("io.jrq.demo.DemoJobs::echo");
        assertThat(r.err()).isEmpty();

        // The job is an ordinary one: a worker runs it with the argument given as a bare word.
        worker(queue);
        assertThat(jrq.queue(queue).job(id).orElseThrow().await(Duration.ofSeconds(20)))
                .isEqualTo("hello world");
    }

    @Test
    void waitPrintsTheResultAsJson() {
        worker(queue);

        Cli.Result r = cli.run("enqueue", "-q", queue, "io.jrq.demo.DemoJobs::noop", "-7", "--wait", "20s");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.lines()).as(r.toString()).hasSize(2);
        assertThat(r.lines().get(1)).isEqualTo("-7");
    }

    @Test
    void handlerNamesGoThroughTheQueueApiWithJsonArguments() {
        workers.add(jrq.worker(queue)
                .handleSignals(false)
                .shutdownGrace(Duration.ZERO)
                .handler(
                        "greet",
                        ctx -> "Hello, " + ctx.arg(0, Map.class).get("name") + " x" + ctx.arg(1, Integer.class))
                .start());

        Cli.Result r = cli.run("enqueue", "-q", queue, "greet", "{\"name\": \"Ann\"}", "3", "--wait", "20s", "--json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .matches("\\{\"id\":\"[0-9A-Za-z]{16}\",\"queue\":\"" + queue
                        + "\",\"status\":\"FINISHED\",\"result\":\"Hello, Ann x3\",\"error\":null}\n");
    }

    @Test
    void aFailedJobExitsWith1AndItsErrorOnStderr() {
        worker(queue);

        Cli.Result failed = cli.run("enqueue", "-q", queue, "io.jrq.demo.DemoJobs::fail", "boom", "--wait", "20s");
        Cli.Result notAllowed = cli.run("enqueue", "-q", queue, "com.example.Nope::run", "--wait", "20s", "--json");
        Cli.Result noSuchMethod = cli.run("enqueue", "-q", queue, "io.jrq.demo.DemoJobs::nope", "1", "--wait", "20s");

        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(failed.err())
                .as(failed.toString())
                .matches("jrq: job [0-9A-Za-z]{16} failed: java.lang.IllegalStateException: boom\n");
        assertThat(notAllowed.exitCode()).as(notAllowed.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(notAllowed.out())
                .contains("\"status\":\"FAILED\"")
                .contains("\"type\":\"io.jrq.JobNotAllowedException\"");
        assertThat(notAllowed.err())
                .contains("io.jrq.JobNotAllowedException")
                .contains("not allowed to run com.example.Nope::run");
        assertThat(noSuchMethod.exitCode()).as(noSuchMethod.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(noSuchMethod.err())
                .contains("io.jrq.InvalidPayloadException")
                .contains("no public method io.jrq.demo.DemoJobs::nope");
    }

    @Test
    void waitGivesUpWithExit1WhenNoWorkerRunsTheJob() {
        Cli.Result r = cli.run("enqueue", "-q", queue, "io.jrq.demo.DemoJobs::echo", "x", "--wait", "300ms");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("has not ended after 300ms (it is QUEUED); it goes on");
    }

    @Test
    void scheduleRetryAndTimeoutReachTheJob() {
        Cli.Result in = cli.run("enqueue", "-q", queue, "io.jrq.demo.DemoJobs::echo", "later", "--in", "1h", "--json");
        Cli.Result at =
                cli.run("enqueue", "-q", queue, "io.jrq.demo.DemoJobs::echo", "later", "--at", "2099-01-31T09:00:00Z");

        assertThat(in.exitCode()).as(in.toString()).isZero();
        assertThat(in.out()).contains("\"status\":\"SCHEDULED\"");
        String inId = in.out().replaceAll(".*\"id\":\"([^\"]+)\".*\\s*", "$1");
        JobInfo delayed = jrq.admin().job(queue, inId).orElseThrow();
        assertThat(delayed.status()).isEqualTo(JobStatus.SCHEDULED);
        assertThat(delayed.dueAt().orElseThrow())
                .isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
        assertThat(at.exitCode()).as(at.toString()).isZero();
        assertThat(jrq.admin().job(queue, at.out().strip()).orElseThrow().dueAt())
                .contains(Instant.parse("2099-01-31T09:00:00Z"));

        worker(queue);
        Cli.Result retried = cli.run(
                "enqueue",
                "-q",
                queue,
                "io.jrq.demo.DemoJobs::fail",
                "again",
                "--retry",
                "2",
                "--retry-delay",
                "10ms",
                "--wait",
                "20s");
        Cli.Result timedOut = cli.run(
                "enqueue", "-q", queue, "io.jrq.demo.DemoJobs::sleep", "10000", "--timeout", "200ms", "--wait", "20s");

        assertThat(retried.exitCode()).as(retried.toString()).isEqualTo(ExitCodes.FAILED);
        Job<Object> job = jrq.queue(queue).job(retried.lines().get(0)).orElseThrow();
        assertThat(job.info().attempts()).isEqualTo(3);
        assertThat(timedOut.exitCode()).as(timedOut.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(timedOut.err()).contains("io.jrq.JobTimeoutException");
        assertThat(timedOut.elapsed()).isLessThan(Duration.ofSeconds(9));
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        Cli.Result json = cli.run("enqueue", "-q", queue, "io.jrq.demo.DemoJobs::echo", "ok", "{\"a\":");
        Cli.Result array = cli.run("enqueue", "-q", queue, "io.jrq.demo.DemoJobs::echo", "[1, 2");
        Cli.Result function = cli.run("enqueue", "-q", queue, "com.example.Jobs::");
        Cli.Result duration = cli.run("enqueue", "-q", queue, "io.jrq.demo.DemoJobs::echo", "x", "--in", "soon");
        Cli.Result both = cli.run(
                "enqueue", "-q", queue, "io.jrq.demo.DemoJobs::echo", "x", "--in", "1s", "--at", "2099-01-01T00:00");
        Cli.Result queueName = cli.run("enqueue", "-q", "no spaces", "io.jrq.demo.DemoJobs::echo", "x");

        assertThat(json.exitCode()).as(json.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(json.err())
                .startsWith("jrq: argument 2 is not valid JSON: at column 6: Unexpected end-of-input")
                .contains(": {\"a\":\n")
                .contains("Try 'jrq enqueue --help'");
        assertThat(array.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(array.err()).startsWith("jrq: argument 1 is not valid JSON: at column 6");
        assertThat(function.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(function.err()).contains("'com.example.Jobs::' is not a method name");
        assertThat(duration.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(duration.err()).contains("'soon' is not a duration");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("give --at or --in, not both");
        assertThat(queueName.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(queueName.err()).contains("queue name must be");
        assertThat(jrq.admin().queue(queue).count(JobStatus.QUEUED))
                .as("nothing enqueued")
                .isZero();
    }

    @Test
    void unreachableRedisExitsWith3() throws Exception {
        Cli.Result r = cli.run(Map.of("JRQ_REDIS_URL", nowhere()), null, "enqueue", "io.jrq.demo.DemoJobs::echo", "x");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
        assertThat(r.err().lines())
                .hasSize(1)
                .first()
                .asString()
                .startsWith("jrq: cannot connect to Redis at 127.0.0.1:");
        assertThat(r.out()).isEmpty();
    }
}
