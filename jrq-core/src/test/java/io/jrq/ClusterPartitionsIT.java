package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisCluster;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One queue over every master of a 3-master cluster: its partitions are named onto different
 * masters, producers spread jobs over them, workers drain them all, and each master's share of the
 * jobs is counted.
 */
@ExtendWith(RedisExtension.class)
class ClusterPartitionsIT {
    private static final int JOBS = 3000;

    @Test
    void aPartitionedQueueSpreadsItsJobsOverEveryMaster(RedisCluster cluster) {
        String q = "cp-" + UUID.randomUUID().toString().substring(0, 8);
        try (Jrq admin = Jrq.connect(cluster.url())) {
            admin.admin().partitions(q, 6);
            assertThat(admin.admin().partitions(q)).isEqualTo(6);
        }
        try (Jrq producer = Jrq.connect(cluster.url());
                Jrq w1 = Jrq.connect(cluster.url());
                Jrq w2 = Jrq.connect(cluster.url());
                Worker a = w1.worker(q)
                        .allowPackages("io.jrq.testjobs")
                        .concurrency(8)
                        .handleSignals(false)
                        .start();
                Worker b = w2.worker(q)
                        .allowPackages("io.jrq.testjobs")
                        .concurrency(8)
                        .handleSignals(false)
                        .start()) {
            List<Job<Integer>> jobs = new ArrayList<>();
            for (int from = 0; from < JOBS; from += 500) {
                jobs.addAll(producer.queue(q)
                        .enqueueAll(
                                Jobs::square,
                                IntStream.range(from, from + 500).boxed().toList()));
            }
            Map<String, Long> perPartition =
                    jobs.stream().collect(Collectors.groupingBy(Job::queue, TreeMap::new, Collectors.counting()));
            Map<Integer, Long> perMaster = new TreeMap<>();
            Map<Integer, Integer> partitionsPerMaster = new TreeMap<>();
            perPartition.forEach((partition, n) -> {
                RedisServer m = cluster.masterOf("{" + partition + "}");
                perMaster.merge(m.port(), n, Long::sum);
                partitionsPerMaster.merge(m.port(), 1, Integer::sum);
            });
            System.out.printf(
                    "ClusterPartitionsIT: %d jobs over partitions %s; per master (port: jobs) %s, partitions per master %s%n",
                    JOBS, perPartition, perMaster, partitionsPerMaster);
            assertThat(perPartition).hasSize(6);
            assertThat(partitionsPerMaster)
                    .as("two partitions on each master")
                    .hasSize(3)
                    .allSatisfy((port, n) -> assertThat(n).isEqualTo(2));
            assertThat(perMaster.values()).allSatisfy(n -> assertThat(n).isGreaterThan(JOBS / 5));

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> producer.admin().queue(q).finishedTotal() >= JOBS);
            assertThat(jobs).allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.FINISHED));
            QueueInfo info = producer.admin().queue(q);
            assertThat(info.finishedTotal()).as("each job finished once").isEqualTo(JOBS);
            assertThat(info.count(JobStatus.QUEUED) + info.count(JobStatus.STARTED))
                    .isZero();
            assertThat(info.partitions()).isEqualTo(6);
        }
    }
}
