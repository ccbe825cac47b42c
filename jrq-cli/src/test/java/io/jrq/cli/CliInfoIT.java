package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Worker;
import io.jrq.demo.DemoJobs;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** {@code jrq info}, run as a process. */
class CliInfoIT extends CliSupport {
    @Test
    void showsQueueCountsAndWorkersWithTheirRunningJobs() {
        Worker w = worker(queue);
        Job<Long> running = jrq.queue(queue).enqueue(DemoJobs::sleep, 30_000L);
        jrq.queue(queue).in(Duration.ofHours(1)).enqueue(DemoJobs::echo, "later");
        assertThat(eventually(() -> running.status() == JobStatus.STARTED)).isTrue();
        // The worker reports its running jobs with its heartbeat.
        assertThat(eventually(() ->
                        jrq.admin().workers().stream().anyMatch(i -> i.jobs().contains(queue + "/" + running.id()))))
                .isTrue();

        Cli.Result r = cli.run("info", "-q", queue);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .containsPattern("jrq info  redis://127\\.0\\.0\\.1:\\d+  \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\n")
                .contains("QUEUE" + " ".repeat(queue.length() - 3)
                        + "QUEUED  STARTED  SCHEDULED  DEFERRED  FINISHED  FAILED  CANCELED\n")
                .contains(queue + "       0        1          1         0         0       0         0\n")
                .containsPattern(Pattern.quote(w.name()) + " +" + queue + " +1/10 ")
                .contains(w.name() + " runs:\n  " + queue + "/" + running.id()
                        + "  io.jrq.demo.DemoJobs::sleep  running ")
                .doesNotContain("Throughput")
                .doesNotContain("\u001b[");
        running.cancel();
    }

    @Test
    void refreshesWithJobsPerSecondAsJsonLinesOrTextBlocks() {
        worker(queue);
        jrq.queue(queue)
                .enqueueAll(DemoJobs::noop, LongStream.range(0, 20).boxed().toList());
        Cli.Running r = cli.start("info", "-q", queue, "--json", "--interval", "1", "--count", "3");
        // Jobs end between its first and its last refresh: the rate counts them.
        assertThat(r.awaitOut("\"jobsPerSecond\":null}", Cli.LIMIT)).as(r.err()).isTrue();
        List<Job<Long>> more = jrq.queue(queue)
                .enqueueAll(DemoJobs::noop, LongStream.range(0, 50).boxed().toList());
        more.get(49).await(Duration.ofSeconds(20));
        Cli.Result json = r.await(Cli.LIMIT);
        Cli.Result text = cli.run("info", "-q", queue, "--interval", "0.2", "--count", "2");

        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(json.lines()).as(json.toString()).hasSize(3);
        assertThat(json.lines().get(0))
                .matches(
                        "\\{\"time\":\"[^\"]+\",\"queues\":\\[\\{\"name\":\"" + queue
                                + "\",\"paused\":false,\"partitions\":1,\"counts\":\\{\"QUEUED\":\\d+,\"STARTED\":\\d+,\"SCHEDULED\":0,\"DEFERRED\":0,\"FINISHED\":\\d+,"
                                + "\"FAILED\":0,\"CANCELED\":0},\"totals\":\\{\"FINISHED\":\\d+,\"FAILED\":0},\"limits\":\\{\"concurrency\":0,\"rate\":0,\"periodMs\":1000}}],"
                                + "\"workers\":\\[\\{\"name\":\"[^\"]+\",\"host\":\"[^\"]*\",\"pid\":\\d+,\"queues\":\\[\""
                                + queue
                                + "\"],\"concurrency\":10,\"startedAt\":\"[^\"]+\",\"heartbeatAt\":\"[^\"]+\",\"jobs\":\\[.*]}],\"jobsPerSecond\":null}");
        double rates = 0;
        for (String line : json.lines().subList(1, 3)) {
            Matcher m = Pattern.compile("\"jobsPerSecond\":([\\d.]+)}$").matcher(line);
            assertThat(m.find()).as(line).isTrue();
            rates += Double.parseDouble(m.group(1));
        }
        assertThat(rates).as("jobs/s seen while 50 jobs ended").isGreaterThan(0);
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out().split("jrq info  ", -1))
                .as("one block per refresh")
                .hasSize(3);
        assertThat(text.out()).contains("Throughput ").contains(" jobs/s\n").doesNotContain("\u001b[");
    }

    @Test
    void anUnknownQueueExitsWith1() {
        Cli.Result r = cli.run("info", "-q", "never-used-" + queue);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).startsWith("jrq: no queue named 'never-used-" + queue + "'");
    }
}
