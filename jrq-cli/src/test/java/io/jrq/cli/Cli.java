package io.jrq.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the real command line in a separate JVM, as a user would: {@code java -jar} the shaded jar
 * that the package phase built (or, from an IDE, the test class path). Output goes to files in a
 * test's temporary directory, so a chatty process never blocks on a full pipe.
 */
final class Cli {
    /** Longest a command may take before the test gives up on it. */
    static final Duration LIMIT = Duration.ofSeconds(90);

    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Path dir;
    private final String url;

    /**
     * @param dir where to keep the output files
     * @param url the Redis URL, passed as JRQ_REDIS_URL (the environment of the test run is not inherited)
     */
    Cli(Path dir, String url) {
        this.dir = dir;
        this.url = url;
    }

    /** What a finished command left behind. */
    record Result(int exitCode, String out, String err, Duration elapsed) {
        @Override
        public String toString() {
            return "exit " + exitCode + " after " + elapsed.toMillis() + " ms\n--- stdout ---\n" + out
                    + "--- stderr ---\n" + err;
        }

        /** @return stdout's lines */
        List<String> lines() {
            return out.lines().toList();
        }
    }

    /** @param args the arguments @return the finished command */
    Result run(String... args) {
        return run(Map.of(), null, args);
    }

    /**
     * @param env extra environment variables
     * @param stdin a file to read stdin from, or null for none
     * @param args the arguments
     * @return the finished command
     */
    Result run(Map<String, String> env, Path stdin, String... args) {
        Running p = start(env, stdin, args);
        return p.await(LIMIT);
    }

    /** @param args the arguments @return the running command */
    Running start(String... args) {
        return start(Map.of(), null, args);
    }

    /**
     * @param env extra environment variables
     * @param stdin a file to read stdin from, or null for none
     * @param args the arguments
     * @return the running command
     */
    Running start(Map<String, String> env, Path stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        boolean longRunning =
                args.length > 0 && (args[0].equals("worker") || List.of(args).contains("--file"));
        if (!longRunning) {
            // Short commands: start fast rather than run fast.
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-XX:+UseSerialGC");
        }
        String jar = System.getProperty("jrq.cli.jar");
        if (jar != null && new File(jar).isFile()) {
            command.add("-jar");
            command.add(jar);
        } else {
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Main.class.getName());
        }
        command.addAll(List.of(args));
        int n = RUNS.incrementAndGet();
        Path out = dir.resolve("out-" + n + ".txt");
        Path err = dir.resolve("err-" + n + ".txt");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.redirectInput(
                stdin != null
                        ? ProcessBuilder.Redirect.from(stdin.toFile())
                        : ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("JRQ_REDIS_URL");
        pb.environment().remove("NO_COLOR");
        if (url != null) {
            pb.environment().put("JRQ_REDIS_URL", url);
        }
        pb.environment().putAll(env);
        try {
            return new Running(pb.start(), out, err, System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A command still running, e.g. a worker. */
    static final class Running {
        private final Process process;
        private final Path out;
        private final Path err;
        private final long start;

        Running(Process process, Path out, Path err, long start) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.start = start;
        }

        /** @return stdout so far */
        String out() {
            return read(out);
        }

        /** @return stderr so far */
        String err() {
            return read(err);
        }

        /** @return the process */
        Process process() {
            return process;
        }

        /**
         * @param text what to wait for on stdout
         * @param timeout how long at most
         * @return true when stdout contains it in time
         */
        boolean awaitOut(String text, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (out().contains(text)) {
                    return true;
                }
                if (!process.isAlive()) {
                    return out().contains(text);
                }
                sleep(50);
            }
            return false;
        }

        /** Sends SIGTERM, as a service manager would. */
        void terminate() {
            process.destroy();
        }

        /**
         * @param timeout how long to wait at most; then the process is killed
         * @return the result
         */
        Result await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    process.waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            return new Result(process.exitValue(), out(), err(), Duration.ofNanos(System.nanoTime() - start));
        }

        private static String read(Path p) {
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
