package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobFailedException;
import io.jrq.JobStatus;
import io.jrq.demo.DemoJobs;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** {@code jrq job show|cancel|stop|requeue|delete}, run as processes. */
class CliJobIT extends CliSupport {
    @Test
    void showsAFinishedAndAFailedJob() {
        worker(queue);
        Job<String> ok = jrq.queue(queue)
                .with(EnqueueOptions.builder()
                        .description("say hi")
                        .meta("tenant", "acme")
                        .build())
                .enqueue(DemoJobs::echo, "hi");
        Job<Void> failed = jrq.queue(queue).enqueue(DemoJobs::fail, "boom");
        ok.await(Duration.ofSeconds(20));
        Assertions.assertThatThrownBy(() -> failed.await(Duration.ofSeconds(20)))
                .isInstanceOf(JobFailedException.class);

        Cli.Result human = cli.run("job", "show", ok.id());
        Cli.Result json = cli.run("job", "show", failed.id(), "-q", queue, "--json");

        assertThat(human.exitCode()).as(human.toString()).isZero();
        assertThat(human.out())
                .contains("Job         " + ok.id() + "\n")
                .contains("Queue       " + queue + "\n")
                .contains("Status      FINISHED\n")
                .contains("Function    io.jrq.demo.DemoJobs::echo\n")
                .contains("Description say hi\n")
                .contains("Meta        tenant=acme\n")
                .containsPattern("Enqueued    \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(.+ ago\\)\n")
                .contains("Attempts    1\n")
                .contains("Result      \"hi\"\n")
                .doesNotContain("\u001b[");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(json.lines()).hasSize(1);
        assertThat(json.out())
                .startsWith(
                        "{\"id\":\"" + failed.id() + "\",\"queue\":\"" + queue + "\",\"status\":\"FAILED\","
                                + "\"function\":\"io.jrq.demo.DemoJobs::fail\",\"description\":null,\"meta\":{},\"enqueuedAt\":\"")
                .contains("\"attempts\":1,\"worker\":\"")
                .contains("\"error\":{\"type\":\"java.lang.IllegalStateException\",\"message\":\"boom\","
                        + "\"stackTrace\":\"java.lang.IllegalStateException: boom\\n\\tat ")
                .contains(
                        "\"progress\":null,\"attemptErrors\":[{\"attempt\":1,\"type\":\"java.lang.IllegalStateException\","
                                + "\"message\":\"boom\",\"at\":\"")
                .endsWith("\"result\":null}\n");
    }

    @Test
    void cancelsAQueuedJobAndRefusesARunningOne() {
        Job<String> queued = jrq.queue(queue).enqueue(DemoJobs::echo, "never");

        Cli.Result cancel = cli.run("job", "cancel", queued.id(), "--json");
        Cli.Result again = cli.run("job", "cancel", queued.id());

        assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
        assertThat(cancel.out())
                .isEqualTo("{\"id\":\"" + queued.id() + "\",\"queue\":\"" + queue
                        + "\",\"action\":\"cancel\",\"status\":\"CANCELED\"}\n");
        assertThat(queued.status()).isEqualTo(JobStatus.CANCELED);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo("job " + queued.id() + " was already canceled\n");

        worker(queue);
        Job<Long> running = jrq.queue(queue).enqueue(DemoJobs::sleep, 30_000L);
        assertThat(eventually(() -> running.status() == JobStatus.STARTED)).isTrue();

        Cli.Result refused = cli.run("job", "cancel", running.id());
        Cli.Result stop = cli.run("job", "stop", running.id());

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err())
                .isEqualTo(
                        "jrq: job " + running.id() + " is running; stop it with: jrq job stop " + running.id() + "\n");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(stop.out()).isEqualTo("stopped job " + running.id() + "\n");
        assertThat(running.status()).isEqualTo(JobStatus.STOPPED);
        assertThat(stop.elapsed()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void requeuesAndDeletesEndedJobs() {
        worker(queue);
        Job<Void> failed = jrq.queue(queue).enqueue(DemoJobs::fail, "boom");
        Assertions.assertThatThrownBy(() -> failed.await(Duration.ofSeconds(20)))
                .isInstanceOf(JobFailedException.class);
        Job<String> finished = jrq.queue(queue).enqueue(DemoJobs::echo, "done");
        finished.await(Duration.ofSeconds(20));

        Instant firstEnd = failed.endedAt().orElseThrow();

        Cli.Result requeue = cli.run("job", "requeue", failed.id());
        Cli.Result notEnded = cli.run("job", "requeue", finished.id(), "-q", queue);
        Cli.Result delete = cli.run("job", "delete", finished.id(), "--json");

        assertThat(requeue.exitCode()).as(requeue.toString()).isZero();
        assertThat(requeue.out()).isEqualTo("requeued job " + failed.id() + " (was failed)\n");
        // Requeued, it ran and failed once more.
        assertThat(eventually(() -> failed.status() == JobStatus.FAILED
                        && failed.endedAt().orElseThrow().isAfter(firstEnd)))
                .isTrue();
        assertThat(notEnded.exitCode()).as(notEnded.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(notEnded.err()).contains("is FINISHED; only FAILED, CANCELED and STOPPED jobs can be requeued");
        assertThat(delete.exitCode()).as(delete.toString()).isZero();
        assertThat(delete.out())
                .isEqualTo("{\"id\":\"" + finished.id() + "\",\"queue\":\"" + queue
                        + "\",\"action\":\"delete\",\"status\":null}\n");
        assertThat(jrq.queue(queue).job(finished.id())).isEmpty();
    }

    @Test
    void unknownIdsExitWith1AndUnreachableRedisWith3() throws Exception {
        Cli.Result anywhere = cli.run("job", "show", "no-such-job");
        Cli.Result inQueue = cli.run("job", "delete", "no-such-job", "-q", queue);
        Cli.Result down = cli.run(Map.of("JRQ_REDIS_URL", nowhere()), null, "job", "show", "x");
        Cli.Result usage = cli.run("job", "show");

        assertThat(anywhere.exitCode()).as(anywhere.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(anywhere.err()).isEqualTo("jrq: no job with id no-such-job\n");
        assertThat(inQueue.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(inQueue.err()).isEqualTo("jrq: no job with id no-such-job in queue " + queue + "\n");
        assertThat(down.exitCode()).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
        assertThat(usage.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(usage.err()).contains("Missing required parameter: 'ID'");
    }
}
