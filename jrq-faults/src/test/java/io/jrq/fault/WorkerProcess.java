package io.jrq.fault;

import io.jrq.internal.worker.FaultPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@link WorkerMain} in a JVM of its own, started with the test JVM's java binary and
 * classpath. Everything it prints (including its WARN log lines) goes to {@link #output()}; the
 * jobs it runs are recorded in {@link #runLog()}.
 */
final class WorkerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path output;
    private final Path runLog;

    private WorkerProcess(String name, Process process, Path output, Path runLog) {
        this.name = name;
        this.process = process;
        this.output = output;
        this.runLog = runLog;
    }

    /**
     * Settings of a worker process.
     *
     * @param url Redis URL
     * @param queue the queue it serves
     * @param leaseMs lease duration
     * @param concurrency jobs at once
     * @param reapMs reap interval
     * @param maxRecoveries recoveries before a job fails
     * @param faultPoints value of {@code -Djrq.faultPoints} (points where the worker halts, see
     *     {@code io.jrq.internal.worker.FaultPoints}), or null for none
     * @param quickRecovery whether the worker gives back the jobs of workers whose connections are gone
     */
    record Spec(
            String url,
            String queue,
            long leaseMs,
            int concurrency,
            long reapMs,
            int maxRecoveries,
            String faultPoints,
            boolean quickRecovery) {
        Spec(String url, String queue) {
            this(url, queue, 2000, 4, 500, 3, null, true);
        }

        Spec lease(long ms) {
            return new Spec(url, queue, ms, concurrency, reapMs, maxRecoveries, faultPoints, quickRecovery);
        }

        Spec concurrency(int n) {
            return new Spec(url, queue, leaseMs, n, reapMs, maxRecoveries, faultPoints, quickRecovery);
        }

        Spec reap(long ms) {
            return new Spec(url, queue, leaseMs, concurrency, ms, maxRecoveries, faultPoints, quickRecovery);
        }

        Spec maxRecoveries(int n) {
            return new Spec(url, queue, leaseMs, concurrency, reapMs, n, faultPoints, quickRecovery);
        }

        Spec quickRecovery(boolean on) {
            return new Spec(url, queue, leaseMs, concurrency, reapMs, maxRecoveries, faultPoints, on);
        }

        Spec faultPoints(String points) {
            return new Spec(url, queue, leaseMs, concurrency, reapMs, maxRecoveries, points, quickRecovery);
        }
    }

    static WorkerProcess start(String name, Spec spec, Path dir) {
        return start(name, spec, dir, List.of(), java.util.Map.of());
    }

    /**
     * Like {@link #start(String, Spec, Path)} with extra JVM options, which win over the defaults,
     * and extra environment variables.
     */
    static WorkerProcess start(
            String name, Spec spec, Path dir, List<String> jvmArgs, java.util.Map<String, String> env) {
        Path output = dir.resolve(name + ".out");
        Path runLog = dir.resolve(name + ".runs");
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-D" + FaultJobs.LOG_PROPERTY + "=" + runLog,
                "-D" + FaultJobs.DISPOSABLE_PROPERTY + "=true",
                "-Djrq.fault.reapMs=" + spec.reapMs(),
                "-Djrq.fault.maxRecoveries=" + spec.maxRecoveries(),
                "-Djrq.fault.quickRecovery=" + spec.quickRecovery()));
        if (spec.faultPoints() != null) {
            cmd.add("-D" + FaultPoints.PROPERTY + "=" + spec.faultPoints());
        }
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of(
                // Under failsafe this is either the whole test classpath or a manifest-only jar
                // whose Class-Path names it; java -cp accepts both.
                "-cp",
                System.getProperty("java.class.path"),
                WorkerMain.class.getName(),
                spec.url(),
                spec.queue(),
                Long.toString(spec.leaseMs()),
                Integer.toString(spec.concurrency()),
                name));
        try {
            Files.createDirectories(dir);
            ProcessBuilder builder =
                    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process p = builder.start();
            return new WorkerProcess(name, p, output, runLog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start worker process " + name, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path output() {
        return output;
    }

    Path runLog() {
        return runLog;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the exit code, once the process has exited */
    int exitValue() {
        return process.exitValue();
    }

    /** @return true once the worker printed READY (it runs and has made its first fetch round) */
    boolean isReady() {
        return read(output).contains("READY " + name + " ");
    }

    /** Waits until the worker prints READY; fails with the end of its output if it dies or hangs. */
    WorkerProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().toFile().exists() || !read(output).contains("READY " + name + " ")) {
            if (!process.isAlive()) {
                throw new IllegalStateException("worker process " + name + " exited with code " + process.exitValue()
                        + " before it was ready\n" + tail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "worker process " + name + " was not ready within " + timeout + "\n" + tail(40));
            }
            sleep(20);
        }
        return this;
    }

    /** SIGKILL, as a crash or the OOM killer would, and waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM: the worker shuts down gracefully. Waits until the process is gone. */
    void terminate() {
        process.destroy();
        awaitExit();
    }

    /** SIGSTOP: the JVM freezes, threads, timers and sockets included, as in a long GC pause. */
    void suspend() {
        signal("STOP");
        awaitState(true);
    }

    /** SIGCONT after {@link #suspend()}. */
    void resume() {
        signal("CONT");
        awaitState(false);
    }

    /** @return the last lines the process printed */
    String tail(int lines) {
        String text = read(output);
        String[] all = text.split("\n", -1);
        int from = Math.max(0, all.length - lines);
        return "--- " + output + " (last " + lines + " lines) ---\n"
                + String.join("\n", List.of(all).subList(from, all.length));
    }

    /** @return everything the process printed so far */
    String outputText() {
        return read(output);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            // SIGKILL also ends a stopped process.
            process.destroyForcibly();
            awaitExit();
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        "worker process " + name + " (pid " + pid() + ") did not exit within 20 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name + " to exit", e);
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + pid())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send SIG" + signal + " to " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal, e);
        }
    }

    /** Waits until /proc says the process is stopped (state T) or running again. */
    private void awaitState(boolean stopped) {
        Path stat = Path.of("/proc", Long.toString(pid()), "stat");
        if (!Files.isReadable(stat)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            String s = read(stat);
            char state = s.substring(s.lastIndexOf(')') + 2).charAt(0);
            if ((state == 'T' || state == 't') == stopped) {
                return;
            }
            sleep(5);
        }
        throw new IllegalStateException(
                "worker process " + name + " did not become " + (stopped ? "stopped" : "running") + " in 5 s");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "worker process " + name + " (pid " + pid() + ")";
    }
}
