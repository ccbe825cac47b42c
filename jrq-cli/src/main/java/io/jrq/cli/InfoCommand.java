package io.jrq.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.Admin;
import io.jrq.JobInfo;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.QueueInfo;
import io.jrq.WorkerInfo;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jrq info}: queues with their counts, workers with their jobs, throughput; once or like top. */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        header = "Shows queues with their job counts, workers with their jobs, and jobs/s.",
        description = {
            "Once by default. With --interval, refreshes every SECONDS like top (on a",
            "terminal the screen is redrawn; otherwise one block is printed per refresh)",
            "until Ctrl-C or --count refreshes, and shows jobs/s: how many jobs of the",
            "shown queues ended (FINISHED or FAILED) per second since the last refresh.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  jrq info",
            "  jrq info -q high,default --interval 2",
            "  jrq info --json | jq '.queues[] | {name, failed: .counts.FAILED}'"
        })
final class InfoCommand implements Callable<Integer> {
    private static final int JOBS_SHOWN_PER_WORKER = 10;

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Option(
            names = {"-q", "--queue"},
            paramLabel = "QUEUE",
            split = ",",
            converter = QueueNames.class,
            order = 2,
            description = "Only these queues (repeat or separate with commas; default: all).")
    private List<String> queues = new ArrayList<>();

    @Option(
            names = "--interval",
            paramLabel = "SECONDS",
            order = 3,
            description = "Refresh every SECONDS (0.2 or more).")
    private Double interval;

    @Option(
            names = "--count",
            paramLabel = "N",
            order = 4,
            description = "With --interval: stop after N refreshes (default: until Ctrl-C).")
    private Integer count;

    @Option(
            names = "--json",
            order = 10,
            description =
                    "Print one {\"time\",\"queues\",\"workers\",\"jobsPerSecond\"} object per refresh (see docs/CLI.md).")
    private boolean json;

    /** One refresh's reading. */
    private record Snapshot(Instant time, long nanos, List<QueueInfo> queues, List<WorkerInfo> workers) {
        long ended() {
            return queues.stream()
                    .mapToLong(q -> q.finishedTotal() + q.failedTotal())
                    .sum();
        }
    }

    @Override
    public Integer call() {
        if (interval != null && !(interval >= 0.2 && interval <= 86_400)) {
            throw new ParameterException(
                    spec.commandLine(), "--interval must be between 0.2 and 86400 seconds, got: " + interval);
        }
        if (count != null && (interval == null || count < 1)) {
            throw new ParameterException(
                    spec.commandLine(), interval == null ? "--count needs --interval" : "--count must be 1 or more");
        }
        List<String> names = new ArrayList<>(new LinkedHashSet<>(queues));
        PrintWriter out = spec.commandLine().getOut();
        Terminal term = Terminal.detect();
        try (Jrq jrq = common.connect(JrqOptions.builder())) {
            Admin admin = jrq.admin();
            Snapshot previous = null;
            int limit = interval == null ? 1 : count == null ? Integer.MAX_VALUE : count;
            for (int i = 0; i < limit; i++) {
                if (i > 0) {
                    sleep(Math.round(interval * 1000));
                }
                Snapshot now = read(admin, names);
                Double rate = null;
                if (previous != null) {
                    double secs = Math.max((now.nanos() - previous.nanos()) / 1e9, 1e-3);
                    // The counters only grow, unless someone deletes them: never show a negative rate.
                    rate = Math.max(0, now.ended() - previous.ended()) / secs;
                }
                if (json) {
                    JsonOutput.print(out, json(now, rate));
                } else {
                    print(out, term, admin, now, rate, i);
                }
                previous = now;
            }
        }
        return ExitCodes.OK;
    }

    private Snapshot read(Admin admin, List<String> names) {
        long nanos = System.nanoTime();
        List<QueueInfo> qs = Queues.select(admin, names);
        List<WorkerInfo> ws = new ArrayList<>();
        for (WorkerInfo w : admin.workers()) {
            if (names.isEmpty() || w.queues().stream().anyMatch(names::contains)) {
                ws.add(w);
            }
        }
        return new Snapshot(Text.now(), nanos, qs, ws);
    }

    private static ObjectNode json(Snapshot s, Double rate) {
        ObjectNode o = JsonOutput.object();
        o.put("time", s.time().toString());
        ArrayNode qs = o.putArray("queues");
        s.queues().forEach(q -> qs.add(JsonOutput.queue(q)));
        ArrayNode ws = o.putArray("workers");
        s.workers().forEach(w -> ws.add(JsonOutput.worker(w)));
        if (rate == null) {
            o.putNull("jobsPerSecond");
        } else {
            o.put("jobsPerSecond", BigDecimal.valueOf(rate).setScale(1, RoundingMode.HALF_UP));
        }
        return o;
    }

    private void print(PrintWriter out, Terminal term, Admin admin, Snapshot s, Double rate, int refresh) {
        StringBuilder head = new StringBuilder();
        if (term.interactive() && interval != null) {
            out.print(term.clearScreen());
        } else if (refresh > 0) {
            out.println();
        }
        head.append(term.bold("jrq info"))
                .append("  ")
                .append(CommonOptions.redact(common.url()))
                .append("  ")
                .append(s.time());
        if (interval != null) {
            head.append("  every ").append(Durations.format(Duration.ofMillis(Math.round(interval * 1000))));
        }
        out.println(head);
        out.println();
        if (s.queues().isEmpty()) {
            out.println("No queues yet.");
        } else {
            Queues.table(s.queues(), term).print(out, term);
        }
        out.println();
        if (s.workers().isEmpty()) {
            out.println("No workers.");
        } else {
            workers(out, term, admin, s);
        }
        if (rate != null) {
            out.println();
            out.printf(Locale.ROOT, "%s %.1f jobs/s%n", term.bold("Throughput"), rate);
        }
        out.flush();
    }

    private static void workers(PrintWriter out, Terminal term, Admin admin, Snapshot s) {
        Table t = new Table("WORKER", "QUEUES", ">BUSY", "HEARTBEAT", "UP");
        for (WorkerInfo w : s.workers()) {
            t.row(
                    w.name(),
                    String.join(",", w.queues()),
                    w.jobs().size() + "/" + w.concurrency(),
                    Text.ago(nonNegative(Duration.between(w.heartbeatAt(), s.time()))) + " ago",
                    Text.ago(nonNegative(Duration.between(w.startedAt(), s.time()))));
        }
        t.print(out, term);
        for (WorkerInfo w : s.workers()) {
            if (w.jobs().isEmpty()) {
                continue;
            }
            out.println();
            out.println(term.bold(w.name()) + " runs:");
            int shown = 0;
            for (String ref : w.jobs()) {
                if (shown++ == JOBS_SHOWN_PER_WORKER) {
                    out.println("  ... and " + (w.jobs().size() - JOBS_SHOWN_PER_WORKER) + " more");
                    break;
                }
                out.println("  " + describe(admin, ref, s.time()));
            }
        }
    }

    /** @param ref {@code queue/id} as a worker reports it */
    private static String describe(Admin admin, String ref, Instant now) {
        int slash = ref.indexOf('/');
        if (slash < 0) {
            return ref;
        }
        String queue = ref.substring(0, slash);
        String id = ref.substring(slash + 1);
        Optional<JobInfo> job;
        try {
            job = admin.job(queue, id);
        } catch (IllegalArgumentException badQueueName) {
            return ref;
        }
        return job.map(j -> ref + "  " + j.function()
                        + j.startedAt()
                                .map(t -> "  running " + Text.ago(nonNegative(Duration.between(t, now))))
                                .orElse("")
                        + j.progress().map(p -> "  " + p.percent() + "%").orElse(""))
                .orElse(ref + "  (ended)");
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
    }
}
