package io.jrq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.Admin;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.QueueInfo;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jrq failed list|requeue|delete}. */
@Command(
        name = "failed",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Lists failed jobs, or requeues or deletes them.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {FailedCommand.ListFailed.class, FailedCommand.Requeue.class, FailedCommand.Delete.class},
        commandListHeading = "%nCommands:%n",
        footer = {
            "",
            "Examples:",
            "  jrq failed list -q emails",
            "  jrq failed requeue --all -q emails",
            "  jrq failed delete 7Kq2fXbR9mTzA4cW Qd81LmZp0vYs3HnE"
        })
final class FailedCommand extends GroupCommand {
    /** Jobs handled per call when working through a whole queue. */
    static final int PAGE = 1000;

    /** {@code jrq failed list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Lists failed jobs, most recent first, with their errors.",
            footer = {
                "",
                "Examples:",
                "  jrq failed list",
                "  jrq failed list --limit 0 --json | jq -r .error.type | sort | uniq -c"
            })
    static final class ListFailed implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Option(
                names = {"-q", "--queue"},
                paramLabel = "QUEUE",
                split = ",",
                converter = QueueNames.class,
                order = 2,
                description = "Only these queues (repeat or separate with commas; default: all).")
        List<String> queues = new ArrayList<>();

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "100",
                order = 3,
                description = "Show at most N jobs per queue, 0 for all (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", order = 10, description = "Print one JSON object per job (see docs/CLI.md).")
        boolean json;

        @Override
        public Integer call() {
            if (limit < 0) {
                throw new ParameterException(spec.commandLine(), "--limit must be 0 (all) or more, got: " + limit);
            }
            PrintWriter out = spec.commandLine().getOut();
            Terminal term = Terminal.detect();
            Instant now = Instant.now();
            try (Jrq jrq = common.connect(JrqOptions.builder())) {
                Admin admin = jrq.admin();
                long shown = 0;
                long total = 0;
                Table table = new Table("ID", "QUEUE", "FUNCTION", "FAILED", "ERROR");
                for (QueueInfo q : Queues.select(admin, new ArrayList<>(new LinkedHashSet<>(queues)))) {
                    long failed = q.count(JobStatus.FAILED);
                    total += failed;
                    long want = limit == 0 ? failed : Math.min(limit, failed);
                    for (int offset = 0; offset < want; offset += PAGE) {
                        List<JobInfo> page =
                                admin.jobs(q.name(), JobStatus.FAILED, offset, (int) Math.min(PAGE, want - offset));
                        for (JobInfo j : page) {
                            shown++;
                            if (json) {
                                out.println(JsonOutput.text(JsonOutput.job(j, false)));
                            } else {
                                table.row(
                                        j.id(),
                                        j.queue(),
                                        j.function(),
                                        j.endedAt().map(t -> Text.when(t, now)).orElse(""),
                                        term.red(j.error()
                                                .map(e -> shorten(
                                                        e.type() + (e.message().isEmpty() ? "" : ": " + e.message())))
                                                .orElse("")));
                            }
                        }
                        if (page.isEmpty()) {
                            break;
                        }
                    }
                }
                if (!json) {
                    if (table.isEmpty()) {
                        out.println("No failed jobs.");
                    } else {
                        table.print(out, term);
                        out.println();
                        out.println(
                                shown < total
                                        ? "Showed " + Text.count(shown) + " of " + Text.count(total)
                                                + " failed jobs (--limit 0 shows all)."
                                        : Text.count(shown) + " failed job" + (shown == 1 ? "." : "s."));
                    }
                }
                out.flush();
            }
            return ExitCodes.OK;
        }

        private static String shorten(String s) {
            String line = s.lines().findFirst().orElse("");
            return line.length() > 100 ? line.substring(0, 99) + "…" : line;
        }
    }

    /** What requeue and delete share: ids or --all, -q, --json, a progress bar for whole queues. */
    abstract static class Change implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Option(
                names = {"-q", "--queue"},
                paramLabel = "QUEUE",
                split = ",",
                converter = QueueNames.class,
                order = 2,
                description =
                        "The queues (repeat or separate with commas). With --all, default: every queue; with IDs, default: search.")
        List<String> queues = new ArrayList<>();

        @Option(names = "--all", order = 3, description = "Every failed job of the queues.")
        boolean all;

        @Parameters(paramLabel = "ID", arity = "0..*", description = "The failed jobs.")
        List<String> ids = new ArrayList<>();

        @Option(
                names = "--json",
                order = 10,
                description =
                        "Print {\"queue\",\"action\",\"count\"} per queue, or {\"id\",\"queue\",\"action\",\"status\"} per job.")
        boolean json;

        /** @return "requeue" or "delete" */
        abstract String action();

        /** @return "requeued" or "deleted" */
        abstract String past();

        /** Applies the action to some failed jobs of one queue. @return how many it applied to */
        abstract long apply(Admin admin, String queue, List<String> ids);

        /** Applies the action to what is left of a queue's failed jobs (stale entries included). @return how many */
        abstract long applyAll(Admin admin, String queue);

        @Override
        public final Integer call() {
            if (all == !ids.isEmpty()) {
                throw new ParameterException(
                        spec.commandLine(),
                        all ? "give --all or IDs, not both" : "give the IDs of failed jobs, or --all");
            }
            try (Jrq jrq = common.connect(JrqOptions.builder())) {
                return all ? all(jrq.admin()) : byId(jrq);
            }
        }

        private int all(Admin admin) {
            PrintWriter out = spec.commandLine().getOut();
            List<QueueInfo> selected = Queues.select(admin, new ArrayList<>(new LinkedHashSet<>(queues)));
            long total =
                    selected.stream().mapToLong(q -> q.count(JobStatus.FAILED)).sum();
            Terminal term = total >= PAGE ? Terminal.detect() : Terminal.of(false, false);
            long done = 0;
            try (ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), term, "jobs", total)) {
                for (QueueInfo q : selected) {
                    long n = 0;
                    long expected = q.count(JobStatus.FAILED);
                    // Page by page, for the progress bar; bounded by the count read at the start, so
                    // that jobs failing again meanwhile cannot keep this going.
                    while (n < expected) {
                        List<String> page = admin.jobs(q.name(), JobStatus.FAILED, 0, PAGE).stream()
                                .map(JobInfo::id)
                                .toList();
                        if (page.isEmpty()) {
                            break;
                        }
                        long got = apply(admin, q.name(), page);
                        if (got == 0) {
                            break;
                        }
                        n += got;
                        bar.update(done + n);
                    }
                    if (n < expected) {
                        n += applyAll(admin, q.name());
                    }
                    done += n;
                    bar.update(done);
                    bar.clear();
                    if (json) {
                        ObjectNode o = JsonOutput.object();
                        o.put("queue", q.name());
                        o.put("action", action());
                        o.put("count", n);
                        JsonOutput.print(out, o);
                    } else {
                        out.println(past() + " " + Text.count(n) + " failed job" + (n == 1 ? "" : "s") + " of queue "
                                + q.name());
                        out.flush();
                    }
                }
            }
            return ExitCodes.OK;
        }

        private int byId(Jrq jrq) {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Admin admin = jrq.admin();
            Map<String, JobInfo> found = new LinkedHashMap<>();
            int problems = 0;
            for (String id : new LinkedHashSet<>(ids)) {
                Optional<JobInfo> job = find(jrq, admin, id);
                if (job.isEmpty()) {
                    err.println("jrq: no job with id " + id
                            + (queues.isEmpty() ? "" : " in queue " + String.join(", ", queues)));
                    problems++;
                } else if (job.get().status() != JobStatus.FAILED) {
                    err.println("jrq: job " + id + " is " + job.get().status() + ", not FAILED; skipped");
                    problems++;
                } else {
                    found.put(id, job.get());
                }
            }
            for (JobInfo j : found.values()) {
                long n = apply(admin, j.queue(), List.of(j.id()));
                if (n == 0) {
                    err.println("jrq: job " + j.id() + " was not " + past() + " (it changed meanwhile)");
                    problems++;
                } else if (json) {
                    ObjectNode o = JsonOutput.object();
                    o.put("id", j.id());
                    o.put("queue", j.queue());
                    o.put("action", action());
                    o.put("status", action().equals("requeue") ? JobStatus.QUEUED.name() : null);
                    out.println(JsonOutput.text(o));
                } else {
                    out.println(past() + " job " + j.id());
                }
            }
            out.flush();
            err.flush();
            if (problems > 0) {
                throw new CliException(
                        ExitCodes.FAILED,
                        problems + " of " + new LinkedHashSet<>(ids).size() + " jobs were not " + past());
            }
            return ExitCodes.OK;
        }

        private Optional<JobInfo> find(Jrq jrq, Admin admin, String id) {
            if (queues.isEmpty()) {
                return jrq.job(id).flatMap(j -> admin.job(j.queue(), id));
            }
            for (String q : queues) {
                Optional<JobInfo> j = admin.job(q, id);
                if (j.isPresent()) {
                    return j;
                }
            }
            return Optional.empty();
        }
    }

    /** {@code jrq failed requeue}. */
    @Command(
            name = "requeue",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Puts failed jobs back on their queue, with fresh attempts.",
            footer = {
                "",
                "Examples:",
                "  jrq failed requeue 7Kq2fXbR9mTzA4cW",
                "  jrq failed requeue --all",
                "  jrq failed requeue --all -q emails,sms"
            })
    static final class Requeue extends Change {
        @Override
        String action() {
            return "requeue";
        }

        @Override
        String past() {
            return "requeued";
        }

        @Override
        long apply(Admin admin, String queue, List<String> ids) {
            return admin.requeue(queue, ids);
        }

        @Override
        long applyAll(Admin admin, String queue) {
            return admin.requeueAllFailed(queue);
        }
    }

    /** {@code jrq failed delete}. */
    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Deletes failed jobs with their errors.",
            footer = {"", "Examples:", "  jrq failed delete 7Kq2fXbR9mTzA4cW", "  jrq failed delete --all -q imports"})
    static final class Delete extends Change {
        @Override
        String action() {
            return "delete";
        }

        @Override
        String past() {
            return "deleted";
        }

        @Override
        long apply(Admin admin, String queue, List<String> ids) {
            return admin.delete(queue, ids);
        }

        @Override
        long applyAll(Admin admin, String queue) {
            return admin.deleteAllFailed(queue);
        }
    }
}
