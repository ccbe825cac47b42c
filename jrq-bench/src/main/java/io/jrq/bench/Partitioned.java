package io.jrq.bench;

import io.jrq.Admin;
import io.jrq.Job;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.testkit.RedisCluster;
import io.jrq.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One queue with 1, 2, 4 and 8 partitions on a 3-master Redis Cluster started for the part: how the
 * jobs and the Redis CPU per job split over the masters, and the drain rate of one worker process.
 * On a machine of two cores the three masters and the worker share those cores, so the figure to
 * read is each master's share of the work, not the wall-clock rate (docs/BENCHMARKS.md).
 */
final class Partitioned {
    private static final int[] PARTITIONS = {1, 2, 4, 8};
    private static final int WARM_UP = 20_000;

    private Partitioned() {}

    static void run(Bench b, int c) throws Exception {
        int n = b.options.n;
        try (RedisCluster cluster = RedisCluster.start(3)) {
            Bench.progress("partitions: a 3-master cluster " + cluster.url());
            List<RedisServer> masters = cluster.masters();
            for (int p : PARTITIONS) {
                String q = "part-" + p;
                try (Jrq jrq = Jrq.connect(cluster.url())) {
                    Admin admin = jrq.admin();
                    admin.partitions(q, p);
                    Queue queue = jrq.queue(q);
                    try (WorkerProcess w = WorkerProcess.spawn(
                                    cluster.url(), List.of(q), null, c, b.options.workerJvm, b.logDir)
                            .awaitReady()) {
                        enqueue(queue, WARM_UP);
                        awaitFinished(admin, q, WARM_UP);
                        admin.pause(q);
                        Map<String, Long> perPartition = enqueue(queue, n);
                        Map<Integer, Long> jobsPerMaster = new TreeMap<>();
                        perPartition.forEach((partition, k) -> jobsPerMaster.merge(
                                cluster.masterOf("{" + partition + "}").port(), k, Long::sum));
                        long[] cpu0 = cpu(masters);
                        long worker0 = w.cpuNanos();
                        long t0 = System.nanoTime();
                        admin.resume(q);
                        awaitFinished(admin, q, WARM_UP + n);
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        long[] cpu1 = cpu(masters);
                        long worker1 = w.cpuNanos();
                        Map<Integer, String> usPerJob = new TreeMap<>();
                        double totalUs = 0;
                        for (int i = 0; i < masters.size(); i++) {
                            double us = (cpu1[i] - cpu0[i]) * 1000.0 / n;
                            totalUs += us;
                            usPerJob.put(masters.get(i).port(), String.format("%.1f", us));
                        }
                        Bench.progress(String.format(
                                "partitions %d: %.0f jobs/s, jobs per master %s, Redis CPU us/job per master %s (%.1f in all), worker %.1f us/job",
                                p, n / seconds, jobsPerMaster, usPerJob, totalUs, (worker1 - worker0) / 1e3 / n));
                        b.report
                                .figure("partitions", p + " partition" + (p == 1 ? "" : "s") + ", concurrency " + c)
                                .put("jobs_per_s", n / seconds)
                                .put("jobs_per_master", jobsPerMaster.toString())
                                .put("redis_us_per_job_per_master", usPerJob.toString())
                                .put("redis_us_per_job", totalUs)
                                .put("worker_us_per_job", (worker1 - worker0) / 1e3 / n)
                                .emit();
                    }
                }
            }
        }
    }

    /** @return how many of the jobs went to each partition */
    private static Map<String, Long> enqueue(Queue q, int n) {
        Map<String, Long> per = new TreeMap<>();
        List<Long> chunk = new ArrayList<>(Bench.BULK_CHUNK);
        for (long i = 0; i < n; i++) {
            chunk.add(i);
            if (chunk.size() == Bench.BULK_CHUNK || i == n - 1) {
                for (Job<Long> j : q.enqueueAll(BenchJobs::noop, chunk)) {
                    per.merge(j.queue(), 1L, Long::sum);
                }
                chunk.clear();
            }
        }
        return per;
    }

    private static void awaitFinished(Admin admin, String q, long total) {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (admin.queue(q).finishedTotal() < total) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "partitions: " + q + " did not finish " + total + " jobs in 10 minutes");
            }
            Bench.sleep(50);
        }
    }

    /** @return each master's user + system CPU ms */
    private static long[] cpu(List<RedisServer> masters) {
        long[] out = new long[masters.size()];
        for (int i = 0; i < out.length; i++) {
            long[] s = WorkerProcess.procStats(masters.get(i).pid());
            out[i] = s[0] + s[1];
        }
        return out;
    }
}
