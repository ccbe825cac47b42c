package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.demo.DemoJobs;
import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** {@code jrq queue list|pause|resume|empty|partitions}, run as processes. */
class CliQueueIT extends CliSupport {
    @Test
    void listsQueuesWithTheirCounts() {
        jrq.queue(queue)
                .enqueueAll(DemoJobs::noop, LongStream.range(0, 3).boxed().toList());
        jrq.admin().pause(queue);

        Cli.Result text = cli.run("queue", "list");
        Cli.Result json = cli.run("queue", "list", "--json");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).containsPattern("\n" + queue + " \\(paused\\) +3 +0 +0 +0 +0 +0 +0\n");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(json.lines())
                .contains(
                        "{\"name\":\"" + queue
                                + "\",\"paused\":true,\"partitions\":1,\"counts\":{\"QUEUED\":3,\"STARTED\":0,"
                                + "\"SCHEDULED\":0,\"DEFERRED\":0,\"FINISHED\":0,\"FAILED\":0,\"CANCELED\":0},"
                                + "\"totals\":{\"FINISHED\":0,\"FAILED\":0},\"limits\":{\"concurrency\":0,\"rate\":0,\"periodMs\":1000}}");
        assertThat(json.lines()).allMatch(l -> l.startsWith("{\"name\":"));
    }

    @Test
    void pausesResumesAndEmptiesAQueue() {
        Job<String> first = jrq.queue(queue).enqueue(DemoJobs::echo, "first");

        Cli.Result pause = cli.run("queue", "pause", queue);
        worker(queue);
        Cli.sleep(500);
        JobStatus whilePaused = first.status();
        Cli.Result resume = cli.run("queue", "resume", queue, "--json");

        assertThat(pause.exitCode()).as(pause.toString()).isZero();
        assertThat(pause.out()).isEqualTo("paused queue " + queue + "\n");
        assertThat(whilePaused).as("a paused queue's jobs wait").isEqualTo(JobStatus.QUEUED);
        assertThat(resume.exitCode()).as(resume.toString()).isZero();
        assertThat(resume.out()).isEqualTo("{\"queue\":\"" + queue + "\",\"action\":\"resume\",\"paused\":false}\n");
        assertThat(first.await(Duration.ofSeconds(20))).isEqualTo("first");

        String other = name("empty");
        jrq.queue(other)
                .enqueueAll(DemoJobs::noop, LongStream.range(0, 25).boxed().toList());
        Cli.Result empty = cli.run("queue", "empty", other);

        assertThat(empty.exitCode()).as(empty.toString()).isZero();
        assertThat(empty.out()).isEqualTo("deleted 25 queued jobs from queue " + other + "\n");
        assertThat(jrq.admin().queue(other).count(JobStatus.QUEUED)).isZero();
    }

    @Test
    void anUnknownQueueExitsWith1AndAMissingNameWith2() {
        Cli.Result unknown = cli.run("queue", "pause", "never-used-" + queue);
        Cli.Result missing = cli.run("queue", "empty");
        Cli.Result noCommand = cli.run("queue");

        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(unknown.err()).startsWith("jrq: no queue named 'never-used-" + queue + "' (known: ");
        assertThat(jrq.admin().queues()).noneMatch(q -> q.name().equals("never-used-" + queue));
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("Missing required parameter: 'NAME'");
        assertThat(noCommand.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noCommand.err()).contains("Usage: jrq queue").contains("pause");
    }

    @Test
    void showsAndChangesPartitions() {
        String q = name("parts");
        Cli.Result shown = cli.run("queue", "partitions", q);
        Cli.Result set = cli.run("queue", "partitions", q, "4");
        Cli.Result json = cli.run("queue", "partitions", q, "--json");
        jrq.queue(q).enqueueAll(DemoJobs::noop, LongStream.range(0, 40).boxed().toList());
        Cli.Result list = cli.run("queue", "list");

        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.out()).isEqualTo("queue " + q + " has 1 partition\n");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.out()).isEqualTo("queue " + q + ": 1 -> 4 partitions\n");
        assertThat(json.out()).isEqualTo("{\"queue\":\"" + q + "\",\"partitions\":4}\n");
        assertThat(list.out()).containsPattern("\n" + q + " \\(4 partitions\\) +40 ");
        assertThat(jrq.admin().partitions(q)).isEqualTo(4);
    }

    @Test
    void badPartitionCountsAreUsageErrorsAndChangeNothing() {
        String q = name("parts-bad");
        jrq.admin().limit(q, io.jrq.QueueLimits.concurrency(2));
        Cli.Result zero = cli.run("queue", "partitions", q, "0");
        Cli.Result many = cli.run("queue", "partitions", q, "65");
        Cli.Result text = cli.run("queue", "partitions", q, "four");
        Cli.Result limited = cli.run("queue", "partitions", q, "3");
        Cli.Result partition = cli.run("queue", "partitions", q + "~1", "2");

        assertThat(zero.exitCode()).as(zero.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(zero.err()).contains("COUNT must be 1 to 64, got 0");
        assertThat(many.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(text.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(limited.exitCode()).as(limited.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(limited.err()).contains("concurrency limit of 2 cannot be shared by 3 partitions");
        assertThat(partition.exitCode()).as(partition.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(jrq.admin().partitions(q)).isEqualTo(1);
    }
}
