package io.jrq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.Admin;
import io.jrq.AttemptError;
import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jrq job show|cancel|stop|requeue|delete ID}. */
@Command(
        name = "job",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Shows or changes one job.",
        description = {"Finds the job in any queue unless -q names its queue. An unknown id", "exits with 1.", ""},
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            JobCommand.Show.class,
            JobCommand.Cancel.class,
            JobCommand.Stop.class,
            JobCommand.Requeue.class,
            JobCommand.Delete.class
        },
        commandListHeading = "%nCommands:%n",
        footer = {
            "",
            "Examples:",
            "  jrq job show 7Kq2fXbR9mTzA4cW",
            "  jrq job cancel -q emails 7Kq2fXbR9mTzA4cW",
            "  jrq job requeue 7Kq2fXbR9mTzA4cW --json"
        })
final class JobCommand extends GroupCommand {
    /** What the job subcommands share: the id, -q, --json, and finding the job. */
    abstract static class Action implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "ID", description = "The job id.")
        String id;

        @Option(
                names = {"-q", "--queue"},
                paramLabel = "QUEUE",
                converter = QueueNames.class,
                order = 2,
                description = "The job's queue (default: search every queue).")
        String queue;

        @Option(names = "--json", order = 10, description = "Print JSON (see docs/CLI.md).")
        boolean json;

        @Override
        public final Integer call() {
            try (Jrq jrq = common.connect(JrqOptions.builder())) {
                Admin admin = jrq.admin();
                String q = queue != null ? queue : jrq.job(id).map(Job::queue).orElseThrow(this::notFound);
                JobInfo info = admin.job(q, id).orElseThrow(this::notFound);
                return run(jrq, info);
            }
        }

        private CliException notFound() {
            return new CliException(
                    ExitCodes.FAILED, "no job with id " + id + (queue != null ? " in queue " + queue : ""));
        }

        /**
         * @param jrq the client
         * @param info the job as it was just read
         * @return the exit code
         */
        abstract int run(Jrq jrq, JobInfo info);

        Job<Object> handle(Jrq jrq, JobInfo info) {
            return jrq.queue(info.queue()).job(info.id()).orElseThrow(this::notFound);
        }

        /** Prints the outcome of an action: a sentence, or {"id","queue","action","status"}. */
        int done(JobInfo info, String action, JobStatus status, String sentence) {
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode o = JsonOutput.object();
                o.put("id", info.id());
                o.put("queue", info.queue());
                o.put("action", action);
                o.put("status", status == null ? null : status.name());
                JsonOutput.print(out, o);
            } else {
                out.println(sentence);
                out.flush();
            }
            return ExitCodes.OK;
        }

        static String lower(JobStatus s) {
            return s.name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code jrq job show ID}. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Shows a job: status, function, times, attempts, worker, error, result.",
            description = {"With --verbose, also the stack trace of its error.", ""},
            footer = {
                "",
                "Examples:",
                "  jrq job show 7Kq2fXbR9mTzA4cW",
                "  jrq job show 7Kq2fXbR9mTzA4cW --json | jq .status"
            })
    static final class Show extends Action {
        @Override
        int run(Jrq jrq, JobInfo info) {
            PrintWriter out = spec.commandLine().getOut();
            Optional<Object> result =
                    info.status() == JobStatus.FINISHED ? handle(jrq, info).result() : Optional.empty();
            if (json) {
                ObjectNode o = JsonOutput.job(info, true);
                o.set("result", JsonOutput.tree(result.orElse(null)));
                JsonOutput.print(out, o);
                return ExitCodes.OK;
            }
            Terminal term = Terminal.detect();
            Instant now = Instant.now();
            row(out, term, "Job", info.id());
            row(out, term, "Queue", info.queue());
            row(out, term, "Status", status(term, info.status()));
            row(out, term, "Function", info.function());
            if (info.description() != null && !info.description().isEmpty()) {
                row(out, term, "Description", info.description());
            }
            info.meta().forEach((k, v) -> row(out, term, "Meta", k + "=" + v));
            info.enqueuedAt().ifPresent(t -> row(out, term, "Enqueued", Text.when(t, now)));
            info.dueAt().ifPresent(t -> row(out, term, "Due", Text.when(t, now)));
            info.startedAt().ifPresent(t -> row(out, term, "Started", Text.when(t, now)));
            info.endedAt().ifPresent(t -> row(out, term, "Ended", Text.when(t, now)));
            if (info.startedAt().isPresent()
                    && info.endedAt().isPresent()
                    && !info.endedAt().get().isBefore(info.startedAt().get())) {
                row(
                        out,
                        term,
                        "Ran for",
                        Text.ago(Duration.between(
                                info.startedAt().get(), info.endedAt().get())));
            }
            row(out, term, "Attempts", Integer.toString(info.attempts()));
            info.worker().ifPresent(w -> row(out, term, "Worker", w));
            info.progress()
                    .ifPresent(p -> row(
                            out,
                            term,
                            "Progress",
                            p.percent() + "%" + (p.message().isEmpty() ? "" : " " + p.message())));
            for (AttemptError a : info.attemptErrors()) {
                if (info.attemptErrors().size() > 1) {
                    row(
                            out,
                            term,
                            "Attempt " + a.attempt(),
                            a.type() + (a.message().isEmpty() ? "" : ": " + a.message()));
                }
            }
            info.error().ifPresent(e -> {
                row(out, term, "Error", term.red(e.type() + (e.message().isEmpty() ? "" : ": " + e.message())));
                if (common.verbose() && !e.stackTrace().isEmpty()) {
                    out.println();
                    out.println(e.stackTrace().stripTrailing());
                }
            });
            if (info.status() == JobStatus.FINISHED) {
                row(out, term, "Result", JsonOutput.text(JsonOutput.tree(result.orElse(null))));
            }
            out.flush();
            return ExitCodes.OK;
        }

        private static void row(PrintWriter out, Terminal term, String label, String value) {
            out.println(term.bold(String.format(Locale.ROOT, "%-12s", label)) + value);
        }

        static String status(Terminal term, JobStatus s) {
            return switch (s) {
                case FINISHED -> term.green(s.name());
                case FAILED -> term.red(s.name());
                case CANCELED, STOPPED -> term.yellow(s.name());
                default -> s.name();
            };
        }
    }

    /** {@code jrq job cancel ID}. */
    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Cancels a job that has not started (QUEUED, SCHEDULED or DEFERRED).",
            description = {
                "A running job is left alone: stop it with `jrq job stop`. Canceling a",
                "job that is already canceled succeeds.",
                ""
            },
            footer = {"", "Example:", "  jrq job cancel 7Kq2fXbR9mTzA4cW"})
    static final class Cancel extends Action {
        @Override
        int run(Jrq jrq, JobInfo info) {
            JobStatus s = info.status();
            if (s == JobStatus.CANCELED) {
                return done(info, "cancel", s, "job " + id + " was already canceled");
            }
            if (s == JobStatus.STARTED) {
                throw new CliException(ExitCodes.FAILED, "job " + id + " is running; stop it with: jrq job stop " + id);
            }
            if (s.isTerminal()) {
                throw new CliException(ExitCodes.FAILED, "job " + id + " has already ended: " + s);
            }
            JobStatus after = handle(jrq, info).cancel();
            if (after != JobStatus.CANCELED) {
                throw new CliException(
                        ExitCodes.FAILED,
                        "job " + id + " was not canceled: it is " + after
                                + (after == JobStatus.STARTED ? " (it started meanwhile and is being stopped)" : ""));
            }
            return done(info, "cancel", after, "canceled job " + id);
        }
    }

    /** {@code jrq job stop ID}. */
    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Stops a running job: its worker interrupts it and records it as STOPPED.",
            description = {
                "Waits until the worker has stopped the job (see --timeout). A job that has not",
                "started is left alone: cancel it with `jrq job cancel`.",
                ""
            },
            footer = {"", "Example:", "  jrq job stop 7Kq2fXbR9mTzA4cW"})
    static final class Stop extends Action {
        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                converter = Durations.class,
                defaultValue = "10s",
                order = 5,
                description = "How long to wait for the worker to stop it (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        int run(Jrq jrq, JobInfo info) {
            JobStatus s = info.status();
            if (s == JobStatus.STOPPED) {
                return done(info, "stop", s, "job " + id + " was already stopped");
            }
            if (s.isTerminal()) {
                throw new CliException(ExitCodes.FAILED, "job " + id + " has already ended: " + s);
            }
            if (s != JobStatus.STARTED) {
                throw new CliException(
                        ExitCodes.FAILED,
                        "job " + id + " is " + s + ", not running; cancel it with: jrq job cancel " + id);
            }
            Job<Object> job = handle(jrq, info);
            JobStatus now = job.cancel();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (now == JobStatus.STARTED && System.nanoTime() < deadline) {
                sleep(50);
                now = job.status();
            }
            if (now == JobStatus.STOPPED) {
                return done(info, "stop", now, "stopped job " + id);
            }
            if (now == JobStatus.STARTED) {
                throw new CliException(
                        ExitCodes.FAILED,
                        "asked the worker to stop job " + id + ", but it is still running after "
                                + Durations.format(timeout));
            }
            throw new CliException(ExitCodes.FAILED, "job " + id + " was not stopped: it ended " + now + " first");
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

    /** {@code jrq job requeue ID}. */
    @Command(
            name = "requeue",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Puts an ended job (FAILED, CANCELED or STOPPED) back on its queue.",
            description = {"It gets a fresh budget of attempts.", ""},
            footer = {"", "Example:", "  jrq job requeue 7Kq2fXbR9mTzA4cW"})
    static final class Requeue extends Action {
        @Override
        int run(Jrq jrq, JobInfo info) {
            long n = jrq.admin().requeue(info.queue(), List.of(id));
            if (n == 0) {
                throw new CliException(
                        ExitCodes.FAILED,
                        "job " + id + " is " + info.status()
                                + "; only FAILED, CANCELED and STOPPED jobs can be requeued");
            }
            return done(
                    info, "requeue", JobStatus.QUEUED, "requeued job " + id + " (was " + lower(info.status()) + ")");
        }
    }

    /** {@code jrq job delete ID}. */
    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Deletes a job that is not running, with its result or error.",
            footer = {"", "Example:", "  jrq job delete 7Kq2fXbR9mTzA4cW"})
    static final class Delete extends Action {
        @Override
        int run(Jrq jrq, JobInfo info) {
            if (info.status() == JobStatus.STARTED) {
                throw new CliException(
                        ExitCodes.FAILED, "job " + id + " is running; stop it first with: jrq job stop " + id);
            }
            long n = jrq.admin().delete(info.queue(), List.of(id));
            if (n == 0) {
                throw new CliException(ExitCodes.FAILED, "no job with id " + id + " in queue " + info.queue());
            }
            return done(info, "delete", null, "deleted job " + id + " (was " + lower(info.status()) + ")");
        }
    }
}
