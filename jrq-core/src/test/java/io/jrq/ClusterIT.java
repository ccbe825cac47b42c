package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisCluster;
import io.jrq.testkit.RedisExtension;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Enqueue → worker → pushed result on a 3-master Redis Cluster, with queues spread over the masters. */
@ExtendWith(RedisExtension.class)
class ClusterIT {
    @Test
    void runsJobsOfQueuesOnDifferentMasters(RedisCluster cluster) {
        // Pick queues whose hash tags land in different thirds of the slot range, so on different masters.
        List<String> queues = new ArrayList<>();
        Set<Integer> thirds = new HashSet<>();
        while (queues.size() < 3) {
            String q = "cl-" + UUID.randomUUID().toString().substring(0, 8);
            if (thirds.add(SlotHash.getSlot("{" + q + "}") * 3 / SlotHash.SLOT_COUNT)) {
                queues.add(q);
            }
        }
        try (Jrq jrq = Jrq.connect(cluster.url());
                Worker w = jrq.worker(queues.toArray(String[]::new))
                        .allowPackages("io.jrq.testjobs")
                        .concurrency(4)
                        .handleSignals(false)
                        .start()) {
            List<Job<Integer>> jobs = new ArrayList<>();
            for (String q : queues) {
                jobs.add(jrq.queue(q).enqueue(Jobs::add, 20, 22));
                jobs.addAll(jrq.queue(q)
                        .enqueueAll(
                                Jobs::square, IntStream.range(0, 100).boxed().toList()));
            }
            CompletableFuture.allOf(jobs.stream().map(Job::future).toArray(CompletableFuture[]::new))
                    .orTimeout(30, TimeUnit.SECONDS)
                    .join();
            assertThat(jobs.get(0).await(Duration.ofSeconds(1))).isEqualTo(42);
            assertThat(jobs).allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.FINISHED));
            assertThat(jrq.job(jobs.get(jobs.size() - 1).id())).isPresent();
            assertThat(w.isRunning()).isTrue();
        }
    }
}
