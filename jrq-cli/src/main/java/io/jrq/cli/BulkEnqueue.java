package io.jrq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.Call;
import io.jrq.EnqueueOptions;
import io.jrq.EnqueueUnknownException;
import io.jrq.InvalidJobException;
import io.jrq.Job;
import io.jrq.JobExistsException;
import io.jrq.Jrq;
import io.jrq.JrqException;
import io.jrq.Queue;
import io.jrq.RedisFullException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;

/**
 * {@code jrq enqueue --file}: one job per line of a JSON Lines file. Consecutive lines for the same
 * queue are enqueued together, {@link #CHUNK} at a time, with {@link io.jrq.Queue#enqueueAll(java.util.Collection)},
 * so a large file takes few round trips; the core pipelines each chunk in script calls of 500 jobs.
 * A line may carry the options of one job (see {@link JobLine}). Bad lines are reported on stderr
 * with their number (and the field at fault) and skipped, nothing of them stored; the others are
 * enqueued in order.
 * One batch is stored while the next is read.
 */
final class BulkEnqueue {
    /** Jobs sent to Redis in one go. */
    static final int CHUNK = 5_000;

    private final Jrq jrq;
    private final String defaultQueue;
    private final JobOptions base;
    private final EnqueueOptions baseOptions;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Terminal term = Terminal.detect();
    private final boolean json;

    private final List<Line> run = new ArrayList<>();
    private String runQueue;
    private final AtomicLong bad = new AtomicLong();
    private String source;
    // Redis writes happen on one sender thread while this one reads and encodes the next batch.
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jrq-enqueue");
        t.setDaemon(true);
        return t;
    });
    private Future<?> inFlight;
    private final AtomicLong enqueued = new AtomicLong();
    private volatile long lastSentLine;

    /**
     * @param jrq the client
     * @param defaultQueue the queue of lines without {@code "queue"}
     * @param base the options given on the command line, for every line; a line's own fields replace them
     * @param cmd the command line, for its output
     * @param json true for one JSON object per enqueued job on stdout
     */
    BulkEnqueue(Jrq jrq, String defaultQueue, JobOptions base, CommandLine cmd, boolean json) {
        this.jrq = jrq;
        this.defaultQueue = defaultQueue;
        this.base = base;
        this.baseOptions = base.toOptions();
        this.out = cmd.getOut();
        this.err = cmd.getErr();
        this.json = json;
    }

    /** One good line: where it was, what to enqueue, how (see {@link JobLine.Parsed}). */
    private record Line(long number, String queue, Call call, EnqueueOptions options, String key, boolean single) {}

    /**
     * @param file the file, or "-" for stdin
     * @return the exit code: 0, or 1 when some lines were bad
     */
    int run(Path file) {
        boolean stdin = file.toString().equals("-");
        source = stdin ? "stdin" : file.toString();
        long size = 0;
        long start = System.nanoTime();
        try (BufferedReader in = stdin
                        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        : Files.newBufferedReader(file, StandardCharsets.UTF_8);
                ProgressBar progress = new ProgressBar(err, term, "jobs", 0)) {
            size = stdin ? 0 : Files.size(file);
            long number = 0;
            long read = 0;
            for (String text; (text = in.readLine()) != null; ) {
                number++;
                read += text.length() + 1;
                if (text.isBlank()) {
                    continue;
                }
                Line line = parse(number, text, progress);
                if (line != null) {
                    add(line);
                }
                if (number % 1000 == 0) {
                    progress.update(enqueued.get(), size > 0 ? (double) read / size : -1);
                }
            }
            flush();
            awaitSent();
            progress.update(enqueued.get(), size > 0 ? 1 : -1);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.USAGE, "no such file: " + file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot read " + source + ": " + e.getMessage(), e);
        } finally {
            sender.shutdownNow();
        }
        long enqueued = this.enqueued.get();
        long bad = this.bad.get();
        long nanos = System.nanoTime() - start;
        if (!json) {
            out.printf(
                    "enqueued %s jobs from %s in %s (%s jobs/s)%s%n",
                    Text.count(enqueued),
                    source,
                    Text.elapsed(nanos),
                    Text.rate(enqueued, nanos),
                    bad > 0 ? "; skipped " + Text.count(bad) + " bad line" + (bad == 1 ? "" : "s") : "");
            out.flush();
        }
        if (bad > 0) {
            throw new CliException(
                    ExitCodes.FAILED,
                    Text.count(bad) + " bad line" + (bad == 1 ? " was" : "s were") + " skipped (see above)");
        }
        return ExitCodes.OK;
    }

    private Line parse(long number, String text, ProgressBar progress) {
        try {
            JobLine.Parsed p = JobLine.parse(text, defaultQueue, base, baseOptions);
            return new Line(number, p.queue(), p.call(), p.options(), p.key(), p.single());
        } catch (IllegalArgumentException | CommandLine.TypeConversionException e) {
            progress.close();
            skip(number, e.getMessage());
            return null;
        }
    }

    /** Reports a bad line on stderr; called from the reading thread and the sender. */
    private synchronized void skip(long number, String why) {
        bad.incrementAndGet();
        err.println("jrq: " + source + ":" + number + ": " + why + "; skipped");
        err.flush();
    }

    private void add(Line line) {
        if (!line.queue().equals(runQueue) || run.size() >= CHUNK) {
            flush();
            runQueue = line.queue();
        }
        run.add(line);
    }

    /** Hands the current run to the sender, after the previous one was stored: at most one batch in flight. */
    private void flush() {
        if (run.isEmpty()) {
            return;
        }
        List<Line> batch = new ArrayList<>(run);
        run.clear();
        awaitSent();
        inFlight = sender.submit(() -> send(batch));
    }

    /** Waits for the batch in flight, if any, and rethrows its failure. */
    private void awaitSent() {
        if (inFlight == null) {
            return;
        }
        try {
            inFlight.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re
                    ? re
                    : new CliException(ExitCodes.FAILED, e.getCause().toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        } finally {
            inFlight = null;
        }
    }

    /**
     * Stores one batch (all for one queue), on the sender thread. Consecutive lines with the same
     * options are enqueued together; a line whose options name one job (an id, a unique key), or
     * differ from both its neighbours', is sent on its own without waiting for the answer, so that
     * such lines are pipelined too.
     */
    private void send(List<Line> batch) {
        Queue q = jrq.queue(batch.get(0).queue());
        List<Pending> pending = new ArrayList<>();
        int i = 0;
        while (i < batch.size()) {
            int j = i + 1;
            while (j < batch.size() && batch.get(j).key().equals(batch.get(i).key())) {
                j++;
            }
            List<Line> segment = batch.subList(i, j);
            Queue view = q.with(segment.get(0).options());
            if (!segment.get(0).key().isEmpty() && (segment.get(0).single() || segment.size() == 1)) {
                for (Line l : segment) {
                    pending.add(new Pending(l, sendAlone(view, l)));
                }
            } else {
                // The jobs sent alone before come first in the output, as in the file.
                settle(pending);
                sendTogether(view, segment);
            }
            i = j;
        }
        settle(pending);
    }

    /** A line sent on its own, and its answer to come. */
    private record Pending(Line line, CompletableFuture<Job<Object>> job) {}

    private static CompletableFuture<Job<Object>> sendAlone(Queue view, Line l) {
        try {
            return view.enqueueAsync(
                    v -> v.enqueue(l.call().function(), l.call().args().toArray()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Waits for the lines sent alone, in order: a line the core refuses (an invalid job, an id taken
     * by another job) is skipped; a failure of Redis ends the command once every answer is in, so that
     * the jobs stored are all counted.
     */
    private void settle(List<Pending> pending) {
        if (pending.isEmpty()) {
            return;
        }
        List<Line> good = new ArrayList<>(pending.size());
        List<Job<Object>> jobs = new ArrayList<>(pending.size());
        RuntimeException failure = null;
        long from = 0;
        long to = 0;
        for (Pending p : pending) {
            try {
                jobs.add(p.job().join());
                good.add(p.line());
            } catch (CompletionException | CancellationException e) {
                Throwable cause = ExitCodes.unwrap(e);
                RuntimeException re = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
                if (re instanceof InvalidJobException || re instanceof JobExistsException) {
                    skip(p.line().number(), re.getMessage());
                } else if (failure == null) {
                    failure = re;
                    from = p.line().number();
                    to = from;
                } else if (re.getClass() == failure.getClass()) {
                    to = p.line().number();
                }
            }
        }
        pending.clear();
        sent(good, jobs);
        if (failure != null) {
            throw failed(failure, from, to);
        }
    }

    private void sendTogether(Queue view, List<Line> segment) {
        List<Call> calls = new ArrayList<>(segment.size());
        segment.forEach(l -> calls.add(l.call()));
        List<Job<Object>> jobs;
        try {
            jobs = view.enqueueAll(calls);
        } catch (InvalidJobException e) {
            // The core checks a batch before storing any of it: find the bad lines one by one.
            sendOneByOne(view, segment);
            return;
        } catch (RuntimeException e) {
            throw failed(
                    e, segment.get(0).number(), segment.get(segment.size() - 1).number());
        }
        sent(segment, jobs);
    }

    /** Says what a failure of Redis means for the file: which lines are stored, which may be, which are not. */
    private CliException failed(RuntimeException e, long from, long to) {
        long done = enqueued.get();
        String so = done == 0
                ? "no job was enqueued before"
                : Text.count(done) + " jobs were enqueued before (lines up to " + lastSentLine + ")";
        String rest;
        if (e instanceof EnqueueUnknownException) {
            rest = "the jobs of lines " + from + " to " + to + " of " + source
                    + " got no answer and may be stored (look them up"
                    + " with 'jrq job show ID'), those after were not enqueued";
        } else if (e instanceof RedisFullException full && !full.storedJobIds().isEmpty()) {
            rest = Text.count(full.storedJobIds().size()) + " of the jobs of lines " + from + " to " + to
                    + " were stored before" + " Redis filled up, the others and those after were not";
        } else if (e instanceof JrqException) {
            // Every other failure of an enqueue stored nothing (docs/RELIABILITY.md).
            rest = "the jobs from line " + from + " of " + source + " on were not enqueued";
        } else {
            rest = "the jobs from line " + from + " of " + source + " on may not have been";
        }
        String head = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof EnqueueUnknownException unknown && e.getCause() != null) {
            // The core's message speaks Java.
            head = "Redis did not answer the enqueue of queue " + unknown.queue() + " ("
                    + e.getCause().getMessage() + ")";
        }
        return new CliException(ExitCodes.of(e), head + "; " + so + "; " + rest, e);
    }

    private void sendOneByOne(Queue q, List<Line> batch) {
        List<Line> good = new ArrayList<>(batch.size());
        List<Job<Object>> jobs = new ArrayList<>(batch.size());
        for (Line l : batch) {
            try {
                jobs.add(q.enqueue(l.call().function(), l.call().args().toArray()));
                good.add(l);
            } catch (InvalidJobException e) {
                skip(l.number(), e.getMessage());
            } catch (RuntimeException e) {
                sent(good, jobs);
                throw failed(e, l.number(), batch.get(batch.size() - 1).number());
            }
        }
        sent(good, jobs);
    }

    /** Prints the ids of stored lines (with --json) and counts them. */
    private void sent(List<Line> lines, List<Job<Object>> jobs) {
        if (lines.isEmpty()) {
            return;
        }
        if (json) {
            for (int i = 0; i < lines.size(); i++) {
                ObjectNode o = JsonOutput.object();
                o.put("line", lines.get(i).number());
                o.put("id", jobs.get(i).id());
                o.put("queue", lines.get(i).queue());
                out.println(JsonOutput.text(o));
            }
            out.flush();
        }
        lastSentLine = lines.get(lines.size() - 1).number();
        enqueued.addAndGet(lines.size());
    }
}
