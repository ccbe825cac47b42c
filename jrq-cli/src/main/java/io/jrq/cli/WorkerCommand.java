package io.jrq.cli;

import io.jrq.Jrq;
import io.jrq.JrqException;
import io.jrq.JrqMetrics;
import io.jrq.JrqOptions;
import io.jrq.RetryPolicy;
import io.jrq.Worker;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.UnknownHostException;
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
import picocli.CommandLine.TypeConversionException;

/**
 * {@code jrq worker}: runs a worker in this process until SIGTERM or Ctrl-C, or until its queues are
 * empty. Every setting of the core's worker builder that a command line can give has an option here
 * (handlers and instance resolvers are code, and signals are always handled: they are how this
 * process is stopped); the tuning options also read an environment variable, as {@code --url} does.
 * All values are checked before Redis is contacted, so a bad one registers nothing.
 */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        header = "Runs a worker: takes jobs from the queues and runs them.",
        description = {
            "Serves the queues in strict priority order (the first listed first), or by",
            "--weights. Runs only methods of classes in the --allow packages; add the jars",
            "holding them with --classpath. SIGTERM or Ctrl-C stops it gracefully: it takes",
            "no new jobs, lets running ones finish within --shutdown-grace, and gives the",
            "rest back to their queues. Durations: 500ms, 30s, 5m, 1h, 1h30m, PT30S.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  jrq worker --allow io.jrq.demo",
            "  jrq worker -q high,default,low -c 32 --allow com.example.jobs \\",
            "      --classpath app.jar:lib/*",
            "  jrq worker --allow com.example.jobs --classpath app.jar --burst  # drain, exit",
            "  jrq worker -q emails,reports --weights 3,1 --lease 2m --retry 5 \\",
            "      --timeout 10m --shutdown-grace 2m --allow com.example.jobs",
            "  JRQ_WORKER_CONCURRENCY=64 jrq worker --allow com.example.jobs",
            "  jrq worker --allow com.example.jobs --metrics-port 9400  # for Prometheus"
        })
final class WorkerCommand implements Callable<Integer> {
    /** How much longer than the grace period the shutdown notice waits for the worker. */
    private static final Duration SHUTDOWN_SLACK = Duration.ofSeconds(10);
    /** Longest duration any option takes: beyond any sensible setting, and far from overflowing in nanoseconds. */
    private static final Duration MAX_DURATION = Duration.ofDays(365);
    // The builder's defaults (see Worker.Builder), which --help and docs/CLI.md state.
    private static final int DEFAULT_CONCURRENCY = 10;
    private static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    private static final Duration DEFAULT_REAP_INTERVAL = Duration.ofSeconds(5);
    private static final int DEFAULT_MAX_RECOVERIES = 3;
    private static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    private static final String DEFAULT_METRICS_BIND = "127.0.0.1";

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Option(
            names = {"-q", "--queue"},
            paramLabel = "QUEUE",
            split = ",",
            converter = QueueNames.class,
            order = 5,
            description = "The queues, highest priority first (repeat or separate with commas; default: default).")
    private List<String> queues = new ArrayList<>();

    @Option(
            names = "--weights",
            paramLabel = "W[,W...]",
            order = 6,
            defaultValue = "${env:JRQ_WORKER_WEIGHTS}",
            description =
                    "Serve the queues by weight instead of strict priority: one weight per queue, 1 to 1000, in the"
                            + " order of -q; each fetch tries a queue first with probability weight/sum, so none starves"
                            + " (default: $JRQ_WORKER_WEIGHTS, else strict priority).")
    private String weights;

    @Option(
            names = {"-c", "--concurrency"},
            paramLabel = "N",
            order = 7,
            defaultValue = "${env:JRQ_WORKER_CONCURRENCY}",
            description = "Jobs run at once, 1 to 10000 (default: $JRQ_WORKER_CONCURRENCY, else " + DEFAULT_CONCURRENCY
                    + ").")
    private String concurrency;

    @Option(
            names = "--virtual-threads",
            order = 8,
            description = "Run jobs on virtual threads instead of a pool of platform threads (Java 21 or later).")
    private boolean virtualThreads;

    @Option(
            names = "--allow",
            paramLabel = "PACKAGE",
            split = ",",
            order = 9,
            description =
                    "Run methods of classes in this package and its subpackages (repeat for more; io.jrq.demo has the demo jobs).")
    private List<String> allow = new ArrayList<>();

    @Option(
            names = "--classpath",
            paramLabel = "JARS",
            order = 10,
            description = "Load job classes from these jars or class directories, separated by ':' (';' on Windows)"
                    + " or ','; dir/* means every jar in dir.")
    private String classpath;

    @Option(
            names = "--burst",
            order = 11,
            description = "Stop once the queues are empty and the running jobs are done.")
    private boolean burst;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            order = 12,
            description = "The worker's name (default: host:pid:random).")
    private String name;

    @Option(
            names = "--lease",
            paramLabel = "DURATION",
            order = 13,
            defaultValue = "${env:JRQ_WORKER_LEASE}",
            description =
                    "How long a job stays leased without renewal, 1s to 365d: a dead worker's jobs go back to their"
                            + " queue this long after its last renewal (default: $JRQ_WORKER_LEASE, else 30s).")
    private String lease;

    @Option(
            names = "--heartbeat",
            paramLabel = "DURATION",
            order = 14,
            defaultValue = "${env:JRQ_WORKER_HEARTBEAT}",
            description = "How often leases are renewed, 50ms to 365d and shorter than --lease"
                    + " (default: $JRQ_WORKER_HEARTBEAT, else a third of --lease).")
    private String heartbeat;

    @Option(
            names = "--reap-interval",
            paramLabel = "DURATION",
            order = 15,
            defaultValue = "${env:JRQ_WORKER_REAP_INTERVAL}",
            description =
                    "How often to look for jobs whose lease expired and give them back to their queue, 50ms to 365d"
                            + " (default: $JRQ_WORKER_REAP_INTERVAL, else 5s).")
    private String reapInterval;

    @Option(
            names = "--max-recoveries",
            paramLabel = "N",
            order = 16,
            defaultValue = "${env:JRQ_WORKER_MAX_RECOVERIES}",
            description = "How often a job may lose its worker (crash, kill) and go back to its queue before it fails"
                    + " with WorkerLostException, 0 to 1000 (default: $JRQ_WORKER_MAX_RECOVERIES, else 3).")
    private String maxRecoveries;

    @Option(
            names = "--shutdown-grace",
            paramLabel = "DURATION",
            order = 17,
            defaultValue = "${env:JRQ_WORKER_SHUTDOWN_GRACE}",
            description = "On SIGTERM or Ctrl-C, how long running jobs may go on before they are given back to their"
                    + " queues, 0s to 365d (default: $JRQ_WORKER_SHUTDOWN_GRACE, else 30s).")
    private String shutdownGrace;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            order = 18,
            defaultValue = "${env:JRQ_WORKER_TIMEOUT}",
            description = "Fail an attempt that runs longer than this, for jobs enqueued without a timeout, 1ms to 365d"
                    + " (default: $JRQ_WORKER_TIMEOUT, else no limit).")
    private String timeout;

    @Option(
            names = "--retry",
            paramLabel = "N",
            order = 19,
            defaultValue = "${env:JRQ_WORKER_RETRY}",
            description = "For jobs enqueued without a retry policy: retry a failed attempt up to N times, 0 to 999,"
                    + " waiting 1s, 2s, 4s, ... up to 5m (default: $JRQ_WORKER_RETRY, else 0).")
    private String retry;

    @Option(
            names = "--retry-delay",
            paramLabel = "DURATION",
            order = 19,
            defaultValue = "${env:JRQ_WORKER_RETRY_DELAY}",
            description =
                    "With --retry: wait this long before each retry instead, 0s to 365d (default: $JRQ_WORKER_RETRY_DELAY).")
    private String retryDelay;

    @Option(
            names = "--allow-evicting-redis",
            order = 19,
            description = "Start even on a Redis whose maxmemory-policy is allkeys-*, which may delete queued jobs when"
                    + " memory runs out (otherwise the worker refuses to start).")
    private boolean allowEvictingRedis;

    @Option(
            names = "--quick-recovery",
            order = 20,
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Give back within about a second the jobs of other workers whose connections are all gone"
                    + " (their process died), instead of after their lease; --no-quick-recovery waits for the lease"
                    + " (default: on; always off on a Redis Cluster).")
    private boolean quickRecovery;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            order = 21,
            description = "Serve this process's metrics for Prometheus at http://ADDRESS:PORT/metrics, port 1 to 65535:"
                    + " jrq's queue gauges (docs/METRICS.md) and the JVM's memory, GC, threads, CPU and uptime"
                    + " (default: not served).")
    private Integer metricsPort;

    @Option(
            names = "--metrics-bind",
            paramLabel = "ADDRESS",
            order = 22,
            description =
                    "With --metrics-port: the address to listen on (default: " + DEFAULT_METRICS_BIND + ", this machine"
                            + " only). Any other address, e.g. 0.0.0.0 (every interface), lets everyone who can reach the port"
                            + " read the metrics, queue names included, without a password and over plain HTTP: firewall it to"
                            + " your Prometheus.")
    private String metricsBind;

    /** The checked values of the tuning options; null where the builder's default applies. */
    private record Settings(
            int concurrency,
            int[] weights,
            Duration lease,
            Duration heartbeat,
            Duration reapInterval,
            int maxRecoveries,
            Duration shutdownGrace,
            Duration timeout,
            RetryPolicy retry) {}

    @Override
    @SuppressWarnings("try") // queueGauges is a resource only for its place in the closing order
    public Integer call() {
        List<String> serve = queues.isEmpty() ? List.of("default") : new ArrayList<>(new LinkedHashSet<>(queues));
        Settings settings = settings(serve);
        InetSocketAddress metricsAddress = metricsAddress();
        List<URL> urls = classpath == null ? List.of() : urls(classpath);
        if (allow.isEmpty()) {
            spec.commandLine()
                    .getErr()
                    .println("jrq: warning: no --allow PACKAGE given, so every method job will fail as not allowed");
            spec.commandLine().getErr().flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        // Closed in reverse: the queue gauges stop reading before the client closes, the endpoint last.
        try (WorkerMetrics metrics = metricsAddress == null ? null : listen(metricsAddress);
                Jrq jrq = common.connect(JrqOptions.builder());
                JrqMetrics queueGauges = metrics == null ? null : metrics.watch(jrq)) {
            Worker.Builder builder;
            try {
                builder = jrq.worker(serve.toArray(String[]::new))
                        .concurrency(settings.concurrency())
                        .virtualThreads(virtualThreads)
                        .allowPackages(new LinkedHashSet<>(allow).toArray(String[]::new))
                        .leaseDuration(settings.lease())
                        .reapInterval(settings.reapInterval())
                        .maxRecoveries(settings.maxRecoveries())
                        .shutdownGrace(settings.shutdownGrace())
                        .allowEvictingRedis(allowEvictingRedis)
                        .quickRecovery(quickRecovery)
                        .burst(burst)
                        .handleSignals(true);
                if (settings.weights() != null) {
                    builder.weights(settings.weights());
                }
                if (settings.heartbeat() != null) {
                    builder.heartbeatInterval(settings.heartbeat());
                }
                if (settings.timeout() != null) {
                    builder.jobTimeout(settings.timeout());
                }
                if (settings.retry() != null) {
                    builder.retry(settings.retry());
                }
                if (name != null) {
                    builder.name(name);
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            URLClassLoader loader =
                    urls.isEmpty() ? null : new URLClassLoader(urls.toArray(URL[]::new), Main.class.getClassLoader());
            if (loader != null) {
                builder.classLoader(loader);
            }
            Worker worker = start(builder);
            out.printf(
                    "worker %s started: queues %s, concurrency %d, allowed packages %s%s%n",
                    worker.name(),
                    String.join(",", serve),
                    settings.concurrency(),
                    allow.isEmpty() ? "(none)" : String.join(",", new LinkedHashSet<>(allow)),
                    burst ? "; stops when the queues are empty" : "; stop it with Ctrl-C or SIGTERM");
            if (metrics != null) {
                out.printf("metrics for Prometheus at %s%n", metrics.uri());
            }
            out.flush();
            Duration shutdownWait = settings.shutdownGrace().plus(SHUTDOWN_SLACK);
            // The core's own hook closes the worker on SIGTERM and Ctrl-C; this one tells the user
            // how it went, since the JVM ends (with 143 or 130) before this method can.
            Thread notice = new Thread(
                    () -> {
                        out.printf("worker %s: shutting down%n", worker.name());
                        out.flush();
                        long begin = System.nanoTime();
                        while (worker.isRunning() && System.nanoTime() - begin < shutdownWait.toNanos()) {
                            pause(50);
                        }
                        if (metrics != null) {
                            metrics.close(); // the JVM may halt before the command's own cleanup runs
                        }
                        stopped(
                                out,
                                worker,
                                start,
                                worker.isRunning()
                                        ? " (still running jobs after " + Durations.format(shutdownWait) + ")"
                                        : "");
                    },
                    "jrq-worker-notice");
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

    /**
     * Checks the metrics options before anything listens or touches Redis.
     *
     * @return where to serve the metrics, or null without --metrics-port
     * @throws ParameterException for a port outside 1 to 65535, an address that is not one, or --metrics-bind alone
     */
    private InetSocketAddress metricsAddress() {
        if (metricsPort == null) {
            if (metricsBind != null) {
                throw usage("--metrics-bind needs --metrics-port PORT");
            }
            return null;
        }
        if (metricsPort < 1 || metricsPort > 65535) {
            throw usage("--metrics-port must be a port from 1 to 65535, got: " + metricsPort);
        }
        String bind = metricsBind == null ? DEFAULT_METRICS_BIND : metricsBind.strip();
        if (bind.isEmpty()) {
            // InetAddress takes "" for loopback, which would hide a variable that was meant to be set
            throw usage("--metrics-bind must name an address, e.g. 127.0.0.1 or 0.0.0.0");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(bind), metricsPort);
        } catch (UnknownHostException e) {
            throw usage("--metrics-bind: not an address or a known host name: '" + bind + "'");
        }
    }

    /** Serves the metrics; a port already taken ends the command before a worker exists. */
    private static WorkerMetrics listen(InetSocketAddress address) {
        try {
            return WorkerMetrics.listen(address);
        } catch (IOException e) {
            throw new CliException(
                    ExitCodes.FAILED,
                    "cannot serve metrics on " + address.getAddress().getHostAddress() + ":" + address.getPort()
                            + " (--metrics-port): " + e.getMessage(),
                    e);
        }
    }

    /** Starts the worker; the core's advice for an evicting Redis names its Java setting, so this names the option. */
    private Worker start(Worker.Builder builder) {
        try {
            return builder.start();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (JrqException e) {
            String message = e.getMessage();
            if (message != null && message.contains("allowEvictingRedis(true)")) {
                throw new CliException(
                        ExitCodes.FAILED,
                        message.replace("start the worker with allowEvictingRedis(true)", "give --allow-evicting-redis")
                                .replace("allowEvictingRedis(true)", "--allow-evicting-redis"),
                        e);
            }
            throw e;
        }
    }

    /**
     * Checks every tuning option before anything touches Redis.
     *
     * @param serve the queues, without repeats
     * @return the values to configure the worker with
     * @throws ParameterException naming the option (and its environment variable, when the value came from there) and the accepted range
     */
    private Settings settings(List<String> serve) {
        if (virtualThreads && Runtime.version().feature() < 21) {
            throw usage("--virtual-threads needs Java 21 or later; this is Java "
                    + Runtime.version().feature());
        }
        int n = integer("--concurrency", "JRQ_WORKER_CONCURRENCY", concurrency, DEFAULT_CONCURRENCY, 1, 10_000);
        int[] w = weights(serve);
        Duration leaseDuration = duration("--lease", "JRQ_WORKER_LEASE", lease, DEFAULT_LEASE, Duration.ofSeconds(1));
        Duration hb = duration("--heartbeat", "JRQ_WORKER_HEARTBEAT", heartbeat, null, Duration.ofMillis(50));
        if (hb != null && hb.compareTo(leaseDuration) >= 0) {
            throw usage(source("--heartbeat", "JRQ_WORKER_HEARTBEAT") + " must be shorter than --lease ("
                    + Durations.format(leaseDuration) + "), got: " + Durations.format(hb));
        }
        Duration reap = duration(
                "--reap-interval",
                "JRQ_WORKER_REAP_INTERVAL",
                reapInterval,
                DEFAULT_REAP_INTERVAL,
                Duration.ofMillis(50));
        int recoveries = integer(
                "--max-recoveries", "JRQ_WORKER_MAX_RECOVERIES", maxRecoveries, DEFAULT_MAX_RECOVERIES, 0, 1000);
        Duration grace = duration(
                "--shutdown-grace", "JRQ_WORKER_SHUTDOWN_GRACE", shutdownGrace, DEFAULT_SHUTDOWN_GRACE, Duration.ZERO);
        Duration jobTimeout = duration("--timeout", "JRQ_WORKER_TIMEOUT", timeout, null, Duration.ofMillis(1));
        int retries = integer("--retry", "JRQ_WORKER_RETRY", retry, 0, 0, 999);
        Duration delay = duration("--retry-delay", "JRQ_WORKER_RETRY_DELAY", retryDelay, null, Duration.ZERO);
        if (delay != null && retries == 0) {
            throw usage(source("--retry-delay", "JRQ_WORKER_RETRY_DELAY") + " needs --retry N (1 to 999)");
        }
        return new Settings(
                n,
                w,
                leaseDuration,
                hb,
                reap,
                recoveries,
                grace,
                jobTimeout,
                retries > 0 ? JobSettings.retryPolicy(retries, delay) : null);
    }

    private int[] weights(List<String> serve) {
        String text = given("--weights", weights);
        if (text == null) {
            return null;
        }
        String[] parts = text.split(",", -1);
        int[] w = new int[parts.length];
        boolean ok = parts.length == serve.size();
        for (int i = 0; ok && i < parts.length; i++) {
            w[i] = parseInt(parts[i].strip());
            ok = w[i] >= 1 && w[i] <= 1000;
        }
        if (!ok) {
            throw usage(source("--weights", "JRQ_WORKER_WEIGHTS")
                    + " must be one whole number from 1 to 1000 per queue, separated by commas (" + serve.size()
                    + (serve.size() == 1 ? " queue: " : " queues: ") + String.join(",", serve) + "), got: '" + text
                    + "'");
        }
        return w;
    }

    private int integer(String flag, String env, String value, int dflt, int min, int max) {
        String text = given(flag, value);
        if (text == null) {
            return dflt;
        }
        int n = parseInt(text.strip());
        if (n < min || n > max) {
            throw usage(
                    source(flag, env) + " must be a whole number from " + min + " to " + max + ", got: '" + text + "'");
        }
        return n;
    }

    /** @return the number, or {@link Integer#MIN_VALUE} when the text is none (below every range) */
    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return Integer.MIN_VALUE;
        }
    }

    private Duration duration(String flag, String env, String value, Duration dflt, Duration min) {
        String text = given(flag, value);
        if (text == null) {
            return dflt;
        }
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (TypeConversionException e) {
            d = null;
        }
        if (d == null || d.compareTo(min) < 0 || d.compareTo(MAX_DURATION) > 0) {
            throw usage(source(flag, env) + " must be a duration from " + Durations.format(min) + " to "
                    + Durations.format(MAX_DURATION) + " (e.g. 500ms, 30s, 5m, PT30S), got: '" + text + "'");
        }
        return d;
    }

    /**
     * @return the option's text, or null when neither the command line nor the environment gave one
     *     (an empty environment variable counts as unset, as shells and container runtimes often leave them)
     */
    private String given(String flag, String value) {
        if (value == null || (value.isBlank() && !matched(flag))) {
            return null;
        }
        return value;
    }

    /** @return the option as the user gave it: on the command line, or through its environment variable */
    private String source(String flag, String env) {
        return matched(flag) ? flag : flag + " (from $" + env + ")";
    }

    private boolean matched(String flag) {
        return spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
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
                    Path dir =
                            Paths.get(p.substring(0, p.length() - 1).isEmpty() ? "." : p.substring(0, p.length() - 1));
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
                        throw new ParameterException(
                                spec.commandLine(), "--classpath: no such file or directory: " + p);
                    }
                    urls.add(path.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new ParameterException(spec.commandLine(), "--classpath: not a path: " + p);
            } catch (IOException e) {
                throw new ParameterException(
                        spec.commandLine(), "--classpath: cannot read " + p + ": " + e.getMessage());
            }
        }
        return urls;
    }
}
