package io.jrq.bench;

import io.jrq.Jrq;
import io.jrq.Queue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a fresh JVM pays before its first job is stored: the JVM's start up to {@code main}, {@code
 * Jrq.connect}, the first enqueue after it, and the next ones. Each run is a new JVM (this class's
 * {@link #main}), started the way an application starts, {@code RUNS} times; the figures are the
 * medians and the slowest run.
 */
final class FirstEnqueue {
    private static final int RUNS = 7;

    private FirstEnqueue() {}

    static void run(Bench b) throws IOException, InterruptedException {
        List<double[]> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            runs.add(once(b.url, b.freshQueue("first"), b.options.workerJvm));
        }
        String[] names = {"jvm_to_main_ms", "connect_ms", "first_enqueue_ms", "second_enqueue_ms", "tenth_enqueue_ms"};
        Report.Figure f =
                b.report.figure("first", "fresh JVM, " + RUNS + " runs").put("runs", RUNS);
        StringBuilder line = new StringBuilder("first enqueue in a fresh JVM (median / max of " + RUNS + "):");
        for (int k = 0; k < names.length; k++) {
            double[] v = new double[runs.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = runs.get(i)[k];
            }
            Arrays.sort(v);
            double median = v[v.length / 2];
            double max = v[v.length - 1];
            f.put(names[k], median).put(names[k].replace("_ms", "_max_ms"), max);
            line.append(String.format(" %s %.1f / %.1f", names[k].replace("_ms", ""), median, max));
        }
        f.emit();
        Bench.progress(line.toString());
    }

    private static double[] once(String url, String queue, List<String> jvmOptions)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FirstEnqueue.class.getName(), url, queue));
        long launched = System.currentTimeMillis();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                last = l;
            }
        }
        if (p.waitFor() != 0 || last == null || !last.startsWith("times ")) {
            throw new IllegalStateException("the fresh JVM failed: " + last);
        }
        String[] t = last.substring(6).split(" ");
        double[] out = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = Double.parseDouble(t[i]);
        }
        // The JVM's own start time is only known to the millisecond; from the launch is what a user waits.
        out[0] = Math.max(0, out[0] - launched);
        return out;
    }

    /**
     * The fresh JVM: connects, enqueues ten jobs one by one, prints {@code times <main at, epoch ms>
     * <connect ms> <first ms> <second ms> <tenth ms>}.
     *
     * @param args the Redis URL and the queue
     */
    public static void main(String[] args) {
        long mainAt = Instant.now().toEpochMilli();
        long t0 = System.nanoTime();
        try (Jrq jrq = Jrq.connect(args[0])) {
            long connected = System.nanoTime();
            Queue q = jrq.queue(args[1]);
            double[] each = new double[10];
            for (int i = 0; i < each.length; i++) {
                long s = System.nanoTime();
                q.enqueue(BenchJobs::noop, (long) i);
                each[i] = (System.nanoTime() - s) / 1e6;
            }
            System.out.printf(
                    java.util.Locale.ROOT,
                    "times %d %.2f %.2f %.2f %.2f%n",
                    mainAt,
                    (connected - t0) / 1e6,
                    each[0],
                    each[1],
                    each[9]);
        }
        System.exit(0);
    }
}
