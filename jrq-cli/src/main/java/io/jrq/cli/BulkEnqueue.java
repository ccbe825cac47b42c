package io.jrq.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.Call;
import io.jrq.EnqueueUnknownException;
import io.jrq.InvalidJobException;
import io.jrq.Job;
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
import java.util.Iterator;
import java.util.List;
import java.util.Set;
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
 * Bad lines are reported on stderr with their number and skipped; the others are enqueued in order.
 * One batch is stored while the next is read.
 */
final class BulkEnqueue {
    /** Jobs sent to Redis in one go. */
    static final int CHUNK = 5_000;

    private static final Set<String> FIELDS = Set.of("fn", "args", "queue");

    private final Jrq jrq;
    private final String defaultQueue;
    private final JobSettings settings;
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

    BulkEnqueue(Jrq jrq, String defaultQueue, JobSettings settings, CommandLine cmd, boolean json) {
        this.jrq = jrq;
        this.defaultQueue = defaultQueue;
        this.settings = settings;
        this.out = cmd.getOut();
        this.err = cmd.getErr();
        this.json = json;
    }

    /** One good line: where it was, what to enqueue. */
    private record Line(long number, String queue, Call call) {}

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
            JsonNode node;
            try {
                node = JsonArgs.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not valid JSON " + JsonArgs.describe(e));
            }
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(
                        "expected a JSON object {\"fn\":..., \"args\":[...], \"queue\":...}");
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!FIELDS.contains(name)) {
                    throw new IllegalArgumentException("unknown field \"" + name + "\" (known: fn, args, queue)");
                }
            }
            JsonNode fnNode = node.get("fn");
            if (fnNode == null || !fnNode.isTextual()) {
                throw new IllegalArgumentException(
                        "\"fn\" must be a string: com.example.Jobs::method or a handler name");
            }
            String fn = fnNode.asText();
            String problem = Functions.problem(fn);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            JsonNode argsNode = node.get("args");
            ArrayNode args;
            if (argsNode == null || argsNode.isNull()) {
                args = JsonArgs.MAPPER.createArrayNode();
            } else if (argsNode.isArray()) {
                args = (ArrayNode) argsNode;
            } else {
                throw new IllegalArgumentException("\"args\" must be an array");
            }
            JsonNode queueNode = node.get("queue");
            String queue = defaultQueue;
            if (queueNode != null && !queueNode.isNull()) {
                if (!queueNode.isTextual()) {
                    throw new IllegalArgumentException("\"queue\" must be a string");
                }
                queue = QueueNames.check(queueNode.asText());
            }
            List<Object> values = new ArrayList<>(args.size());
            args.forEach(values::add);
            return new Line(number, queue, new Call(fn, values));
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

    /** Stores one batch (all for one queue), on the sender thread. */
    private void send(List<Line> batch) {
        String queue = batch.get(0).queue();
        Queue q = jrq.queue(queue).with(settings.toOptions());
        try {
            List<Call> calls = new ArrayList<>(batch.size());
            batch.forEach(l -> calls.add(l.call()));
            List<Job<Object>> jobs;
            try {
                jobs = q.enqueueAll(calls);
            } catch (InvalidJobException e) {
                // The core checks a batch before storing any of it: find the bad lines one by one.
                sendOneByOne(q, batch);
                return;
            }
            sent(batch, jobs);
        } catch (RuntimeException e) {
            long done = enqueued.get();
            String so = done == 0
                    ? "no job was enqueued before"
                    : Text.count(done) + " jobs were enqueued before (lines up to " + lastSentLine + ")";
            long from = batch.get(0).number();
            long to = batch.get(batch.size() - 1).number();
            String rest;
            if (e instanceof EnqueueUnknownException) {
                rest = "the jobs of lines " + from + " to " + to + " of " + source
                        + " got no answer and may be stored (look them up"
                        + " with 'jrq job show ID'), those after were not enqueued";
            } else if (e instanceof RedisFullException full
                    && !full.storedJobIds().isEmpty()) {
                rest = Text.count(full.storedJobIds().size()) + " of the jobs of lines " + from + " to " + to
                        + " were stored before" + " Redis filled up, the others and those after were not";
            } else if (e instanceof JrqException) {
                // Every other failure of an enqueue stored nothing (docs/RELIABILITY.md).
                rest = "the jobs from line " + from + " of " + source + " on were not enqueued";
            } else {
                rest = "the jobs from line " + from + " of " + source + " on may not have been";
            }
            String head = e.getMessage() == null ? e.toString() : e.getMessage();
            if (e instanceof EnqueueUnknownException && e.getCause() != null) {
                // The core's message speaks Java.
                head = "Redis did not answer the enqueue of queue " + queue + " ("
                        + e.getCause().getMessage() + ")";
            }
            throw new CliException(ExitCodes.of(e), head + "; " + so + "; " + rest, e);
        }
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
