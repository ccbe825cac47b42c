package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Worker;
import io.jrq.demo.DemoJobs;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code jrq failed list|requeue|delete}, run as processes. */
class CliFailedIT extends CliSupport {
    /** Fails {@code n} jobs in the queue, then stops the worker so that requeued jobs stay QUEUED. */
    private List<Job<Void>> failJobs(String q, int n) {
        Worker w = worker(q);
        List<Job<Void>> jobs = jrq.queue(q)
                .enqueueAll(
                        DemoJobs::fail,
                        IntStream.range(0, n).mapToObj(i -> "boom " + i).toList());
        assertThat(eventually(() -> jrq.admin().queue(q).count(JobStatus.FAILED) == n))
                .isTrue();
        w.close();
        return jobs;
    }

    @Test
    void listsFailedJobsWithTheirErrors() {
        List<Job<Void>> jobs = failJobs(queue, 3);

        Cli.Result text = cli.run("failed", "list", "-q", queue);
        Cli.Result json = cli.run("failed", "list", "-q", queue, "--json", "--limit", "2");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.lines().get(0)).matches("ID +QUEUE +FUNCTION +FAILED +ERROR");
        for (Job<Void> j : jobs) {
            assertThat(text.out())
                    .containsPattern(j.id() + "  " + queue + "  io.jrq.demo.DemoJobs::fail  \\d{4}-.+ ago\\)  "
                            + "java.lang.IllegalStateException: boom \\d\n");
        }
        assertThat(text.out()).endsWith("\n3 failed jobs.\n");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(json.lines())
                .hasSize(2)
                .allMatch(l -> l.matches("\\{\"id\":\"[0-9A-Za-z]{16}\",\"queue\":\"" + queue
                        + "\",\"status\":\"FAILED\",\"function\":\"io.jrq.demo.DemoJobs::fail\",.*\"error\":\\{\"type\":"
                        + "\"java.lang.IllegalStateException\",\"message\":\"boom \\d\"},\"progress\":null}"));
    }

    @Test
    void requeuesAndDeletesByIdOrAll() {
        List<Job<Void>> jobs = failJobs(queue, 4);
        String other = name("other");
        failJobs(other, 2);

        Cli.Result one = cli.run("failed", "requeue", jobs.get(0).id(), "no-such-id");
        Cli.Result all = cli.run("failed", "delete", "--all", "-q", queue + "," + other, "--json");

        assertThat(one.exitCode()).as(one.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(one.out()).isEqualTo("requeued job " + jobs.get(0).id() + "\n");
        assertThat(one.err()).isEqualTo("jrq: no job with id no-such-id\njrq: 1 of 2 jobs were not requeued\n");
        assertThat(jobs.get(0).status()).isEqualTo(JobStatus.QUEUED);
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.lines())
                .containsExactly(
                        "{\"queue\":\"" + queue + "\",\"action\":\"delete\",\"count\":3}",
                        "{\"queue\":\"" + other + "\",\"action\":\"delete\",\"count\":2}");
        assertThat(jrq.admin().queue(queue).count(JobStatus.FAILED)).isZero();
        assertThat(jrq.queue(queue).job(jobs.get(1).id())).isEmpty();
        assertThat(jobs.get(0).status()).as("not failed, so not deleted").isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void requeuesThousandsAtOnce() {
        int n = 2500;
        failJobs(queue, n);

        Cli.Result r = cli.run("failed", "requeue", "--all", "-q", queue);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("requeued 2,500 failed jobs of queue " + queue + "\n");
        assertThat(r.err()).as("no progress bar off a terminal").isEmpty();
        assertThat(jrq.admin().queue(queue).count(JobStatus.QUEUED)).isEqualTo(n);
        assertThat(jrq.admin().queue(queue).count(JobStatus.FAILED)).isZero();
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void idsAndAllAreExclusive() {
        Cli.Result both = cli.run("failed", "delete", "--all", "some-id");
        Cli.Result neither = cli.run("failed", "requeue");

        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).startsWith("jrq: give --all or IDs, not both");
        assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(neither.err()).startsWith("jrq: give the IDs of failed jobs, or --all");
    }
}
