package io.jrq.cli;

import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.Worker;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jrq worker}: runs a worker in this process until SIGTERM or Ctrl-C, or until its queues are empty. */
@Command(name = "worker",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        header = "Runs a worker: takes jobs from the queues and runs them.",
        description = {
            "Serves the queues in strict priority order (the first listed first). Runs",
            "only methods of classes in the --allow packages; add the jars holding them",
            "with --classpath. SIGTERM or Ctrl-C stops it gracefully: it takes no new jobs,",
            "lets running ones finish within 30 s, and gives the rest back to their queues.",
            ""},
        footer = {"", "Examples:",
            "  jrq worker --allow io.jrq.demo",
            "  jrq worker -q high,default,low -c 32 --allow com.example.jobs \\",
            "      --classpath app.jar:lib/*",
            "  jrq worker --allow com.example.jobs --classpath app.jar --burst  # drain, exit"})
final class WorkerCommand implements Callable<Integer> {
    /** How long the shutdown notice waits for the worker: its 30 s grace period and some. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(40);

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Option(names = {"-q", "--queue"}, paramLabel = "QUEUE", split = ",", converter = QueueNames.class, order = 2,
            description = "The queues, highest priority first (repeat or separate with commas; default: default).")
    private List<String> queues = new ArrayList<>();

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "10", order = 3,
            description = "Jobs run at once, 1 to 10000 (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--allow", paramLabel = "PACKAGE", split = ",", order = 4,
            description = "Run methods of classes in this package and its subpackages (repeat for more; io.jrq.demo has the demo jobs).")
    private List<String> allow = new ArrayList<>();

    @Option(names = "--classpath", paramLabel = "JARS", order = 5,
            description = "Load job classes from these jars or class directories, separated by ':' (';' on Windows)"
                    + " or ','; dir/* means every jar in dir.")
    private String classpath;

    @Option(names = "--burst", order = 6, description = "Stop once the queues are empty and the running jobs are done.")
    private boolean burst;

    @Option(names = "--name", paramLabel = "NAME", order = 7, description = "The worker's name (default: host:pid:random).")
    private String name;

    @Override
    public Integer call() {
        List<String> serve = queues.isEmpty() ? List.of("default") : new ArrayList<>(new LinkedHashSet<>(queues));
        List<URL> urls = classpath == null ? List.of() : urls(classpath);
        if (allow.isEmpty()) {
            spec.commandLine().getErr().println("jrq: warning: no --allow PACKAGE given, so every method job will fail as not allowed");
            spec.commandLine().getErr().flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        try (Jrq jrq = common.connect(JrqOptions.builder())) {
            Worker.Builder builder;
            try {
                builder = jrq.worker(serve.toArray(String[]::new))
                        .concurrency(concurrency)
                        .allowPackages(new LinkedHashSet<>(allow).toArray(String[]::new))
                        .burst(burst)
                        .handleSignals(true);
                if (name != null) {
                    builder.name(name);
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            URLClassLoader loader = urls.isEmpty() ? null : new URLClassLoader(urls.toArray(URL[]::new), Main.class.getClassLoader());
            if (loader != null) {
                builder.classLoader(loader);
            }
            Worker worker = builder.start();
            out.printf("worker %s started: queues %s, concurrency %d, allowed packages %s%s%n", worker.name(), String.join(",", serve),
                    concurrency, allow.isEmpty() ? "(none)" : String.join(",", new LinkedHashSet<>(allow)),
                    burst ? "; stops when the queues are empty" : "; stop it with Ctrl-C or SIGTERM");
            out.flush();
            // The core's own hook closes the worker on SIGTERM and Ctrl-C; this one tells the user
            // how it went, since the JVM ends (with 143 or 130) before this method can.
            Thread notice = new Thread(() -> {
                out.printf("worker %s: shutting down%n", worker.name());
                out.flush();
                long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
                while (worker.isRunning() && System.nanoTime() < deadline) {
                    pause(50);
                }
                stopped(out, worker, start, worker.isRunning() ? " (still running jobs after " + SHUTDOWN_WAIT.toSeconds() + " s)" : "");
            }, "jrq-worker-notice");
            Runtime.getRuntime().addShutdownHook(notice);
            while (worker.isRunning()) {
                pause(100);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(notice);
            } catch (IllegalStateException shuttingDown) {
                return ExitCodes.OK; // the notice reports
            }
            stopped(out, worker, start, burst ? ": queues empty" : "");
            if (loader != null) {
                try {
                    loader.close();
                } catch (IOException ignored) {
                    // nothing left to run
                }
            }
        }
        return ExitCodes.OK;
    }

    private static void stopped(PrintWriter out, Worker worker, long start, String why) {
        out.printf("worker %s stopped after %s%s%n", worker.name(), Text.elapsed(System.nanoTime() - start), why);
        out.flush();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @param text paths separated by the path separator or commas; {@code dir/*} for the jars of dir */
    private List<URL> urls(String text) {
        List<URL> urls = new ArrayList<>();
        for (String part : text.split("[" + File.pathSeparator + ",]")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            try {
                if (p.endsWith("*")) {
                    Path dir = Paths.get(p.substring(0, p.length() - 1).isEmpty() ? "." : p.substring(0, p.length() - 1));
                    if (!Files.isDirectory(dir)) {
                        throw new ParameterException(spec.commandLine(), "--classpath: no such directory: " + dir);
                    }
                    try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.{jar,JAR}")) {
                        for (Path jar : jars) {
                            urls.add(jar.toUri().toURL());
                        }
                    }
                } else {
                    Path path = Paths.get(p);
                    if (!Files.exists(path)) {
                        throw new ParameterException(spec.commandLine(), "--classpath: no such file or directory: " + p);
                    }
                    urls.add(path.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new ParameterException(spec.commandLine(), "--classpath: not a path: " + p);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--classpath: cannot read " + p + ": " + e.getMessage());
            }
        }
        return urls;
    }
}
