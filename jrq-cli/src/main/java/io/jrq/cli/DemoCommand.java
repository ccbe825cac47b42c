package io.jrq.cli;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.Queue;
import io.jrq.RedisUnavailableException;
import io.jrq.Worker;
import io.jrq.demo.DemoJobs;
import io.jrq.redisserver.RedisProcess;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code jrq demo}: a slow task called directly and then as a job, workers picking it up, and a
 * burst of small jobs to measure throughput. Starts a temporary Redis when none answers.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        header = "Shows jrq at work in under a minute; needs no Redis of your own.",
        description = {
            "Plays a short scenario:",
            "  1. a 5-second task called directly blocks the caller;",
            "  2. enqueued instead, it returns at once with a job id;",
            "  3. workers pick the job up and its result is pushed back;",
            "  4. thousands of small jobs are enqueued in bulk and drained (jobs/s).",
            "When no Redis answers at the URL, a temporary one is started for the",
            "demo and stopped at the end. The demo uses a queue of its own",
            "(demo-<random>) and deletes nothing.",
            ""
        })
public final class DemoCommand implements Callable<Integer> {
    private static final String TEXT =
            "Redis-backed jobs let a web request hand slow work to a worker and answer at once";
    private static final Duration RESULT_TTL = Duration.ofSeconds(60);
    private static final Duration SLOW_JOB_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Option(
            names = "--jobs",
            order = 10,
            paramLabel = "N",
            defaultValue = "10000",
            description = "Small jobs to enqueue in step 4, 0 to 1,000,000 (default: ${DEFAULT-VALUE}).")
    private int jobs;

    @Option(
            names = "--workers",
            order = 11,
            paramLabel = "N",
            defaultValue = "3",
            description = "Workers to start in this process, 1 to 64 (default: ${DEFAULT-VALUE}).")
    private int workers;

    @Option(
            names = "--concurrency",
            order = 12,
            paramLabel = "N",
            defaultValue = "8",
            description = "Jobs each worker runs at once, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(
            names = "--no-fallback",
            order = 13,
            description = "Fail with exit code 3 instead of starting a temporary Redis when none answers at the URL.")
    private boolean noFallback;

    @Option(
            names = "--dashboard",
            order = 14,
            description =
                    "At the end, serve the web dashboard on the demo's Redis with a small ongoing workload, until Ctrl-C.")
    private boolean dashboard;

    @Option(
            names = "--dashboard-port",
            order = 15,
            paramLabel = "PORT",
            defaultValue = "9181",
            description = "Port of the dashboard with --dashboard (default: ${DEFAULT-VALUE}).")
    private int dashboardPort;

    private PrintWriter out;
    private boolean temporaryRedis;

    @Override
    public Integer call() {
        check(jobs >= 0 && jobs <= 1_000_000, "--jobs must be between 0 and 1000000, got: " + jobs);
        check(workers >= 1 && workers <= 64, "--workers must be between 1 and 64, got: " + workers);
        check(concurrency >= 1 && concurrency <= 1000, "--concurrency must be between 1 and 1000, got: " + concurrency);
        check(
                dashboardPort >= 0 && dashboardPort <= 65535,
                "--dashboard-port must be between 0 and 65535, got: " + dashboardPort);
        out = spec.commandLine().getOut();
        long demoStart = System.nanoTime();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        JrqOptions.Builder options = JrqOptions.builder().resultTtl(RESULT_TTL);

        out.printf("jrq demo: one slow task, %d workers, %s small jobs%n%n", workers, count(jobs));
        RedisProcess temporary = null;
        Jrq jrq;
        try {
            jrq = common.connect(options);
            out.printf("Redis: %s%n", CommonOptions.redact(common.url()));
        } catch (RedisUnavailableException e) {
            if (noFallback) {
                throw e;
            }
            out.printf("No Redis answers at %s (%s).%n", CommonOptions.redact(common.url()), e.getMessage());
            temporary = startTemporaryRedis(e);
            temporaryRedis = true;
            out.printf(
                    "Redis: started a temporary redis-server %s at %s for this demo; it is stopped at the end.%n",
                    temporary.version(), temporary.url());
            try {
                jrq = Jrq.connect(options.url(temporary.url()).build());
            } catch (RuntimeException again) {
                temporary.close();
                throw again;
            }
        }
        List<Worker> started = new ArrayList<>();
        List<Jrq> workerClients = new ArrayList<>();
        try {
            Queue queue = jrq.queue("demo-" + suffix);
            out.printf("Queue: %s%n%n", queue.name());
            out.flush();
            // The first enqueue in a JVM loads the JSON and scripting machinery (a few hundred ms).
            // Pay that now, so that step 2 shows what an enqueue costs from then on.
            queue.enqueue(DemoJobs::echo, "warm-up");
            Report report = new Report();
            JrqOptions connected = jrq.options();
            slowTask(
                    queue,
                    () -> {
                        // Each worker gets a client of its own, as it would in a process of its own.
                        Jrq client = Jrq.connect(connected);
                        workerClients.add(client);
                        return client;
                    },
                    suffix,
                    started,
                    report);
            if (jobs > 0) {
                smallJobs(queue, report);
            }
            summary(report, temporary == null);
            if (dashboard) {
                DemoDashboard.serve(out, jrq, queue, dashboardPort);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            long stopping = System.nanoTime();
            closeAll(started);
            workerClients.forEach(Jrq::close);
            jrq.close();
            if (temporary != null) {
                temporary.close();
            }
            out.printf(
                    "%nStopped %s%s in %s. The demo took %s in all.%n",
                    started.size() == 1 ? "the worker" : "the " + started.size() + " workers",
                    temporary != null ? " and the temporary Redis" : "",
                    time(System.nanoTime() - stopping),
                    time(System.nanoTime() - demoStart));
            out.flush();
        }
        return ExitCodes.OK;
    }

    private RedisProcess startTemporaryRedis(RedisUnavailableException why) {
        out.println("Starting a temporary Redis for the demo (use --no-fallback to fail instead)...");
        out.flush();
        try {
            return RedisProcess.start();
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null
                    ? e.toString()
                    : e.getMessage().lines().findFirst().orElse("");
            throw new CliException(
                    ExitCodes.REDIS_UNAVAILABLE,
                    why.getMessage() + "; starting a temporary Redis failed too: " + reason
                            + " (install redis-server, or pass the URL of a running one with -u)",
                    e);
        }
    }

    /** Steps 1 to 3: the slow task called directly, then enqueued and run by the workers. */
    private void slowTask(Queue queue, Supplier<Jrq> clients, String suffix, List<Worker> started, Report report) {
        out.printf(
                "1. Calling the slow task directly: DemoJobs.countWords(text) takes %d s%n",
                DemoJobs.SLOW_TASK.toSeconds());
        out.flush();
        long t = System.nanoTime();
        int words = countWordsDirectly();
        report.directNanos = System.nanoTime() - t;
        out.printf("   returned %d words after blocking the caller for %s%n%n", words, time(report.directNanos));

        out.println("2. Enqueueing the same call instead: queue.enqueue(DemoJobs::countWords, text)");
        t = System.nanoTime();
        Job<Integer> job = queue.enqueue(DemoJobs::countWords, TEXT);
        long enqueuedAt = System.nanoTime();
        report.enqueueNanos = enqueuedAt - t;
        out.printf("   enqueue returned after %s with job %s%n", time(report.enqueueNanos), job.id());
        out.printf(
                "   %8s  %s (the job waits in Redis: no worker runs yet)%n%n",
                "+" + seconds(System.nanoTime() - enqueuedAt), job.status());

        // Subscribe before any worker exists, so the pushed result cannot be missed.
        AtomicLong endedAt = new AtomicLong();
        CompletableFuture<Integer> result = job.future();
        result.whenComplete((r, e) -> endedAt.set(System.nanoTime()));

        out.printf(
                "3. Starting %d worker%s in this process (they could run on any machine):%n",
                workers, workers == 1 ? "" : "s");
        for (int i = 1; i <= workers; i++) {
            started.add(clients.get()
                    .worker(queue.name())
                    .name("demo-" + suffix + "-" + i)
                    .allowPackages("io.jrq.demo")
                    .concurrency(concurrency)
                    .shutdownGrace(Duration.ofSeconds(2))
                    // On Ctrl-C, workers on a real Redis hand their jobs back; a temporary Redis just goes away.
                    .handleSignals(!temporaryRedis)
                    .start());
        }
        out.printf(
                "   %s%n", String.join(", ", started.stream().map(Worker::name).toList()));
        out.flush();
        watch(job, result, enqueuedAt);
        Integer counted = job.await(SLOW_JOB_TIMEOUT);
        report.slowResultNanos = endedAt.get() - enqueuedAt;
        report.slowWorker = job.info().worker().orElse("?");
        out.printf(
                "   %8s  %s, result pushed back: %d words%n",
                "+" + seconds(report.slowResultNanos), JobStatus.FINISHED, counted);
        out.printf(
                "   The caller was free all along; the result arrived %s after enqueue.%n%n",
                time(report.slowResultNanos));
        out.flush();
    }

    private static int countWordsDirectly() {
        try {
            return DemoJobs.countWords(TEXT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
    }

    /** Prints each status change (polling, only for show) until the pushed result arrives. */
    private void watch(Job<Integer> job, CompletableFuture<Integer> result, long enqueuedAt) {
        JobStatus last = JobStatus.QUEUED;
        long deadline = System.nanoTime() + SLOW_JOB_TIMEOUT.toNanos();
        while (!result.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new CliException(
                        ExitCodes.FAILED,
                        "job " + job.id() + " did not finish within " + SLOW_JOB_TIMEOUT.toSeconds() + " s (status "
                                + last + ")");
            }
            JobStatus now = job.status();
            if (now != last && !now.isTerminal()) {
                long at = System.nanoTime() - enqueuedAt;
                String where =
                        now == JobStatus.STARTED ? " on worker " + job.worker().orElse("?") : "";
                out.printf("   %8s  %s%s%n", "+" + seconds(at), now, where);
                out.flush();
                last = now;
            }
            sleep(20);
        }
    }

    /** Step 4: many small jobs, enqueued in bulk, drained by the workers. */
    private void smallJobs(Queue queue, Report report) {
        out.printf("4. Enqueueing %s small jobs in bulk: queue.enqueueAll(DemoJobs::noop, numbers)%n", count(jobs));
        out.flush();
        List<Long> numbers = LongStream.range(0, jobs).boxed().toList();
        long start = System.nanoTime();
        List<Job<Long>> enqueued = queue.enqueueAll(DemoJobs::noop, numbers);
        report.bulkEnqueueNanos = System.nanoTime() - start;
        out.printf(
                "   enqueued %s jobs in %s: %s jobs/s%n",
                count(jobs), time(report.bulkEnqueueNanos), rate(jobs, report.bulkEnqueueNanos));
        out.flush();

        AtomicInteger finished = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong sum = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong(System.nanoTime());
        for (Job<Long> job : enqueued) {
            job.future().whenComplete((n, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                } else {
                    sum.addAndGet(n);
                    finished.incrementAndGet();
                }
                lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
            });
        }
        Progress progress = new Progress(out, jobs, isTerminal());
        int seen = -1;
        long lastChange = System.nanoTime();
        while (finished.get() + failed.get() < jobs) {
            int done = finished.get() + failed.get();
            if (done != seen) {
                seen = done;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > STALL_TIMEOUT.toNanos()) {
                progress.end();
                throw new CliException(
                        ExitCodes.FAILED,
                        "only " + count(done) + " of " + count(jobs) + " jobs ended; no progress for "
                                + STALL_TIMEOUT.toSeconds() + " s");
            }
            progress.show(done, System.nanoTime() - start);
            sleep(progress.interactive ? 100 : 50);
        }
        progress.show(jobs, lastEnd.get() - start);
        progress.end();
        report.bulkDoneNanos = lastEnd.get() - start;
        if (failed.get() > 0) {
            throw new CliException(ExitCodes.FAILED, count(failed.get()) + " of " + count(jobs) + " small jobs failed");
        }
        long expected = (long) jobs * (jobs - 1) / 2;
        if (sum.get() != expected) {
            throw new CliException(
                    ExitCodes.FAILED, "the small jobs' results add up to " + sum.get() + " instead of " + expected);
        }
        out.printf(
                "   all %s done %s after the bulk enqueue began: %s jobs/s through %d worker%s%n",
                count(jobs),
                time(report.bulkDoneNanos),
                rate(jobs, report.bulkDoneNanos),
                workers,
                workers == 1 ? "" : "s");
        out.flush();
    }

    private void summary(Report r, boolean sharedRedis) {
        out.printf("%nSummary%n");
        row("slow task, called directly", "blocked the caller for " + time(r.directNanos));
        row(
                "slow task, as a job",
                "enqueue took " + time(r.enqueueNanos) + ", result pushed back after " + time(r.slowResultNanos)
                        + " (run by " + r.slowWorker + ")");
        if (jobs > 0) {
            row(
                    "bulk enqueue",
                    count(jobs) + " jobs in " + time(r.bulkEnqueueNanos) + ": " + rate(jobs, r.bulkEnqueueNanos)
                            + " jobs/s");
            row(
                    "processing",
                    count(jobs) + " jobs in " + time(r.bulkDoneNanos) + ": " + rate(jobs, r.bulkDoneNanos) + " jobs/s ("
                            + workers + " x " + concurrency + " threads)");
        }
        if (sharedRedis) {
            row(
                    "left in Redis",
                    "the demo's finished jobs, which expire within " + RESULT_TTL.toSeconds()
                            + " s, and the queue's name in the set of known queues");
        }
    }

    private void row(String what, String value) {
        out.printf("  %-28s %s%n", what, value);
    }

    private static void closeAll(List<Worker> workers) {
        // Close in parallel: each waits for its own threads.
        List<Thread> closing = new ArrayList<>();
        for (Worker w : workers) {
            Thread t = new Thread(w::close, "close-" + w.name());
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
    }

    /** True when stdout is an interactive terminal, so a redrawn progress bar makes sense. */
    static boolean isTerminal() {
        return Terminal.detect().interactive();
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String rate(long n, long nanos) {
        return count(Math.round(n / Math.max(nanos / 1e9, 1e-9)));
    }

    static String time(long nanos) {
        double ms = nanos / 1e6;
        if (ms < 10) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** What the summary reports. */
    private static final class Report {
        long directNanos;
        long enqueueNanos;
        long slowResultNanos;
        String slowWorker;
        long bulkEnqueueNanos;
        long bulkDoneNanos;
    }

    /** A redrawn bar on a terminal; otherwise a plain line at each quarter. */
    private static final class Progress {
        private static final int WIDTH = 40;
        private final PrintWriter out;
        private final int total;
        private final boolean interactive;
        private int quartersShown;
        private boolean drawn;

        Progress(PrintWriter out, int total, boolean interactive) {
            this.out = out;
            this.total = total;
            this.interactive = interactive;
        }

        void show(int done, long elapsedNanos) {
            if (interactive) {
                int filled = (int) ((long) WIDTH * done / total);
                out.printf(
                        "\r   [%s%s] %3d%%  %s/%s done, %s jobs/s  ",
                        "#".repeat(filled),
                        ".".repeat(WIDTH - filled),
                        100L * done / total,
                        count(done),
                        count(total),
                        rate(done, elapsedNanos));
                out.flush();
                drawn = true;
            } else {
                int quarters = (int) (4L * done / total);
                if (quarters > quartersShown) {
                    quartersShown = quarters;
                    out.printf(
                            "   %3d%%  %s/%s done after %s%n",
                            100L * done / total, count(done), count(total), time(elapsedNanos));
                    out.flush();
                }
            }
        }

        void end() {
            if (drawn) {
                out.println();
                out.flush();
                drawn = false;
            }
        }
    }
}
