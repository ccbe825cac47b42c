package io.jrq.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** One {@link WorkerMain} in a JVM of its own, started with this JVM's java and classpath. */
final class WorkerProcess implements AutoCloseable {
    private final Process process;
    private final PrintStream control;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;
    private volatile long readyAt = -1;

    private WorkerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.control = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            if (readyAt < 0 && line.equals("ready")) {
                                readyAt = System.nanoTime();
                            }
                            lines.add(line);
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                },
                "bench-worker-out");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a worker process; returns as soon as the JVM is launched, without waiting for it to be ready.
     *
     * @param queues the queues it serves, highest priority first
     * @param weights one weight per queue for weighted order, or null for strict priority
     * @param jvmOptions extra JVM options, may be empty
     * @param logDir where its stderr goes
     */
    static WorkerProcess spawn(
            String url, List<String> queues, int[] weights, int concurrency, List<String> jvmOptions, Path logDir) {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                WorkerMain.class.getName(),
                url,
                String.join(",", queues),
                Integer.toString(concurrency)));
        if (weights != null) {
            cmd.add(Arrays.stream(weights).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        }
        try {
            Files.createDirectories(logDir);
            Path log = Files.createTempFile(logDir, "worker-", ".log");
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            return new WorkerProcess(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker process: " + cmd, e);
        }
    }

    /** Waits for the worker's {@code ready} line. */
    WorkerProcess awaitReady() {
        String line = next("ready", 60);
        if (!line.equals("ready")) {
            throw new IllegalStateException("worker process said: " + line);
        }
        return this;
    }

    /** @return System.nanoTime() when the worker said it was ready, or -1 */
    long readyAt() {
        return readyAt;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the last lines of its log */
    String logTail() {
        return "its log " + log + ":\n" + tail();
    }

    long pid() {
        return process.pid();
    }

    /** @return the CPU time the process used so far, in ns, as the OS counts it */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L);
    }

    /**
     * @return user CPU ms, system CPU ms, and context switches (voluntary + involuntary, all threads)
     *     from /proc, or -1s where /proc is not there
     */
    long[] procStats() {
        return procStats(process.pid());
    }

    static long[] procStats(long pid) {
        long[] out = {-1, -1, -1};
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the state field, in clock ticks of 10 ms.
            out[0] = Long.parseLong(f[11]) * 10;
            out[1] = Long.parseLong(f[12]) * 10;
            long switches = 0;
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path t : tasks.toList()) {
                    try {
                        for (String line : Files.readAllLines(t.resolve("status"))) {
                            if (line.startsWith("voluntary_ctxt_switches:")
                                    || line.startsWith("nonvoluntary_ctxt_switches:")) {
                                switches += Long.parseLong(
                                        line.substring(line.indexOf(':') + 1).trim());
                            }
                        }
                    } catch (IOException | RuntimeException threadEnded) {
                        // a thread that ended meanwhile
                    }
                }
            }
            out[2] = switches;
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return out;
    }

    /** @return CPU time in ms per thread group (thread name without its trailing number), from /proc */
    java.util.Map<String, Long> threadCpu() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[-#]?\\d+$", "")
                            .trim();
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10, Long::sum);
                } catch (IOException | RuntimeException threadEnded) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException e) {
            // not Linux, or the process is gone
        }
        return out;
    }

    /** @return n, p50, p90, p99, p99.9, max pickup latency in µs recorded since the last call */
    long[] pickups() {
        control.println("pickups");
        String[] f = next("pickups", 30).split(" ");
        long[] out = new long[f.length - 1];
        for (int i = 1; i < f.length; i++) {
            out[i - 1] = Long.parseLong(f[i]);
        }
        return out;
    }

    /** @return the next line starting with {@code what}; other lines (e.g. the JVM's own) are skipped */
    private String next(String what, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new IllegalStateException("worker process " + process.pid() + " did not answer '" + what
                            + "' within " + seconds + " s (alive: " + process.isAlive() + "); " + logTail());
                }
                if (line.startsWith(what) || line.startsWith("error")) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String tail() {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** Asks the worker to shut down gracefully; kills it if it has not exited after 20 s. */
    @Override
    public void close() {
        try {
            control.println("quit");
            control.close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
