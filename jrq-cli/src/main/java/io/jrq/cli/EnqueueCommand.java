package io.jrq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.AwaitTimeoutException;
import io.jrq.EnqueueOptions;
import io.jrq.EnqueueUnknownException;
import io.jrq.InvalidJobException;
import io.jrq.Job;
import io.jrq.JobError;
import io.jrq.JobFailedException;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jrq enqueue}: one job from the command line, or many from a JSON Lines file. */
@Command(
        name = "enqueue",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        header = "Enqueues a job, or one job per line of a file.",
        description = {
            "FUNCTION is a method, com.example.Jobs::method (the worker must allow its",
            "package), or the name of a handler registered on the workers. Each ARG is",
            "JSON: 42, true, null, '\"text\"', '{\"to\":\"ann@example.org\"}', '[1,2]'; a bare",
            "word that is not JSON is a string (hello). Text starting with { or [ must be",
            "valid JSON.",
            "",
            "Prints the job id. With --wait, waits for the job and prints its result as",
            "JSON too; exits with 1 when the job failed, with its error on stderr.",
            "",
            "Exits with 4 when Redis is full (maxmemory reached; nothing was stored), and",
            "with 5 when Redis did not answer the enqueue: the job may be stored, so look",
            "it up, or run the same command again with --id and the id from the message.",
            "",
            "With --file, enqueues one job per line, each a JSON object",
            "{\"fn\": FUNCTION, \"args\": [ARG...], \"queue\": QUEUE} (args and queue",
            "optional), in batches; bad lines are reported with their number and skipped,",
            "and the exit code is 1 when there were any. A line may also give any option",
            "of one job: id, at, in, retry, timeout, unique, depends_on,",
            "on_dependency_failure, meta, description, at_front, result_ttl (see",
            "docs/CLI.md); a line's value replaces the command line's (meta adds to it).",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  jrq enqueue io.jrq.demo.DemoJobs::echo hello",
            "  jrq enqueue -q emails send-email '{\"to\":\"ann@example.org\"}'",
            "  jrq enqueue io.jrq.demo.DemoJobs::sleep 2000 --wait 10s",
            "  jrq enqueue com.example.Reports::build 42 pdf --in 10m --retry 3 --timeout 2m",
            "  jrq enqueue com.example.Reports::build 7 --at 2030-01-31T09:00:00Z",
            "  jrq enqueue send-email '\"ann@example.org\"' --unique mail-ann --meta by=ops",
            "  jrq enqueue com.example.Reports::merge 7 --id m-7 --depends-on reports/r-7",
            "  jrq enqueue --file jobs.jsonl -q imports",
            "  seq 1000 | sed 's/.*/{\"fn\":\"send-email\",\"args\":[&]}/' | jrq enqueue --file -"
        })
final class EnqueueCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Option(
            names = {"-q", "--queue"},
            paramLabel = "QUEUE",
            defaultValue = "default",
            converter = QueueNames.class,
            order = 2,
            description = "The queue (default: ${DEFAULT-VALUE}); with --file, for lines without \"queue\".")
    private String queue;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "FUNCTION",
            description = "com.example.Jobs::method or a handler name.")
    private String function;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "The job's arguments, each JSON or a bare word.")
    private List<String> args = new ArrayList<>();

    @Option(
            names = "--at",
            paramLabel = "TIME",
            converter = Times.class,
            order = 3,
            description =
                    "Run at this time: 2030-01-31T09:00:00Z, 2030-01-31T10:00+01:00, or 2030-01-31T10:00 in the local time zone.")
    private Instant at;

    @Option(
            names = "--in",
            paramLabel = "DURATION",
            converter = Durations.class,
            order = 4,
            description = "Run after this delay: 500ms, 30s, 5m, 1h, 1h30m, PT5S.")
    private Duration in;

    @Option(
            names = "--retry",
            paramLabel = "N",
            order = 5,
            description =
                    "Retry a failed attempt up to N times (0 to 999, default 0), waiting 1s, 2s, 4s, ... up to 5m between attempts.")
    private int retries;

    @Option(
            names = "--retry-delay",
            paramLabel = "DURATION",
            converter = Durations.class,
            order = 6,
            description = "With --retry: wait this long before each retry instead.")
    private Duration retryDelay;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = Durations.class,
            order = 7,
            description = "Fail an attempt that runs longer than this (default: the worker's).")
    private Duration timeout;

    @Option(
            names = "--wait",
            paramLabel = "DURATION",
            converter = Durations.class,
            order = 8,
            description = "Wait this long at most for the job to end, then print its result.")
    private Duration wait;

    @Option(
            names = "--file",
            paramLabel = "JOBS.jsonl",
            order = 9,
            description = "Enqueue one job per line of this file (- for stdin) instead of FUNCTION ARG...")
    private Path file;

    @Option(
            names = "--id",
            paramLabel = "ID",
            order = 9,
            description = "The job's id (1-128 characters of A-Z a-z 0-9 _ . : @ / + = -) instead of a generated one."
                    + " The same command again with the same id returns that job instead of enqueueing another,"
                    + " so a command whose outcome was unknown (exit 5) can be retried safely.")
    private String id;

    @Option(
            names = "--unique",
            paramLabel = "KEY",
            order = 10,
            description = "Enqueue nothing, and print the existing job's id, while a job of the queue holds this"
                    + " key (1-200 characters): by default until that job ends.")
    private String unique;

    @Option(
            names = "--unique-scope",
            paramLabel = "SCOPE",
            order = 11,
            description = "With --unique: hold the key until the job starts (queued), until it ends (active, the"
                    + " default), or for --unique-ttl (ttl).")
    private String uniqueScope;

    @Option(
            names = "--unique-ttl",
            paramLabel = "DURATION",
            converter = Durations.class,
            order = 12,
            description = "With --unique: hold the key this long from the enqueue, whatever happens to the job.")
    private Duration uniqueTtl;

    @Option(
            names = "--depends-on",
            paramLabel = "QUEUE/ID",
            order = 13,
            description = "Keep the job DEFERRED until this job has FINISHED (ID alone: a job of the queue);"
                    + " repeatable.")
    private List<String> dependsOn = new ArrayList<>();

    @Option(
            names = "--on-dependency-failure",
            paramLabel = "POLICY",
            order = 14,
            description = "When a dependency fails or is canceled: cancel the job (the default) or run it.")
    private String onDependencyFailure;

    @Option(
            names = "--meta",
            paramLabel = "KEY=VALUE",
            order = 15,
            description = "Metadata stored with the job, shown by 'jrq job show'; repeatable.")
    private List<String> meta = new ArrayList<>();

    @Option(
            names = "--description",
            paramLabel = "TEXT",
            order = 16,
            description = "A description for people (at most 1,000 characters).")
    private String description;

    @Option(names = "--at-front", order = 17, description = "Run the job before those already waiting in the queue.")
    private boolean atFront;

    @Option(
            names = "--result-ttl",
            paramLabel = "DURATION",
            converter = Durations.class,
            order = 18,
            description = "Keep the finished job and its result this long (at least 1s; default: the client's).")
    private Duration resultTtl;

    @Option(
            names = "--json",
            order = 19,
            description = "Print {\"id\",\"queue\",\"status\"} (with --wait also \"result\" and \"error\"); with --file"
                    + " one {\"line\",\"id\",\"queue\"} per job. See docs/CLI.md.")
    private boolean json;

    @Override
    public Integer call() {
        JobOptions options = options();
        if (file != null) {
            check(function == null, "give either --file or FUNCTION [ARG...], not both");
            check(wait == null, "--wait works with one job, not with --file");
            check(id == null, "--id names one job; it cannot be used with --file (give \"id\" on each line)");
            check(
                    unique == null,
                    "--unique names one job; it cannot be used with --file (give \"unique\" on each line)");
            EnqueueOptions unused = toOptions(options);
            try (Jrq jrq = common.connect(JrqOptions.builder())) {
                return new BulkEnqueue(jrq, queue, options, spec.commandLine(), json).run(file);
            }
        }
        check(function != null, "missing FUNCTION: com.example.Jobs::method or a handler name (or --file JOBS.jsonl)");
        String problem = Functions.problem(function);
        check(problem == null, problem);
        ArrayNode values;
        try {
            values = JsonArgs.parse(args);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        EnqueueOptions enqueueOptions = toOptions(options);
        try (Jrq jrq = common.connect(JrqOptions.builder())) {
            List<Object> a = new ArrayList<>();
            values.forEach(a::add);
            Job<Object> job;
            try {
                // A method named by text or a handler name: the core takes both.
                job = jrq.queue(queue).with(enqueueOptions).enqueue(function, a.toArray());
            } catch (InvalidJobException e) {
                throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
            } catch (EnqueueUnknownException e) {
                throw unknown(e);
            }
            if (wait == null) {
                return printEnqueued(jrq, job.id());
            }
            return await(job);
        }
    }

    /** The core's message speaks Java; this one says what to do on the command line. */
    private CliException unknown(EnqueueUnknownException e) {
        String job = e.jobId();
        String why = e.getCause() != null && e.getCause().getMessage() != null
                ? e.getCause().getMessage()
                : e.getMessage();
        return new CliException(
                ExitCodes.ENQUEUE_UNKNOWN,
                "the enqueue of job " + job + " on queue " + e.queue()
                        + " got no answer (" + why + "): the job may be stored, and then it runs. Check with 'jrq job "
                        + job + " -q "
                        + e.queue() + "', or run the same command again with --id " + job
                        + ", which returns the job if it was stored;"
                        + " running it again without --id may run the job twice",
                e);
    }

    /** Every option of the job, each checked so that a bad value is a usage error naming its option. */
    private JobOptions options() {
        check(at == null || in == null, "give --at or --in, not both");
        check(retries >= 0 && retries <= 999, "--retry must be between 0 and 999, got: " + retries);
        check(retryDelay == null || retries > 0, "--retry-delay needs --retry N");
        check(uniqueScope == null || unique != null, "--unique-scope needs --unique KEY");
        check(uniqueTtl == null || unique != null, "--unique-ttl needs --unique KEY");
        // With --file it also applies to the lines' own "depends_on".
        check(
                onDependencyFailure == null || !dependsOn.isEmpty() || file != null,
                "--on-dependency-failure needs --depends-on");
        JobOptions o = new JobOptions()
                .schedule(at, in)
                .retry(retries > 0 ? JobSettings.retryPolicy(retries, retryDelay) : null)
                .atFront(atFront);
        option("--timeout", () -> o.timeout(timeout));
        if (id != null) {
            option("--id", () -> o.id(id));
        }
        option("--unique", () -> o.unique(unique, uniqueScope, uniqueTtl));
        option("--depends-on", () -> o.dependsOn(dependsOn, queue));
        if (onDependencyFailure != null) {
            option("--on-dependency-failure", () -> o.onDependencyFailure(JobOptions.policy(onDependencyFailure)));
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (String entry : meta) {
            int eq = entry.indexOf('=');
            check(eq > 0, "--meta must be KEY=VALUE with a key, got: '" + entry + "'");
            entries.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        option("--meta", () -> o.meta(entries));
        option("--description", () -> o.description(description));
        option("--result-ttl", () -> o.resultTtl(resultTtl));
        return o;
    }

    private void option(String name, Runnable set) {
        try {
            set.run();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), name + ": " + e.getMessage(), e);
        }
    }

    /** The core's word on the options' combination, as a usage error too: nothing is sent. */
    private EnqueueOptions toOptions(JobOptions options) {
        try {
            return options.toOptions();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private int printEnqueued(Jrq jrq, String id) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = JsonOutput.object();
            o.put("id", id);
            o.put("queue", queue);
            // Read rather than guessed: a time in the past makes the job QUEUED, and a worker may have it already.
            o.put(
                    "status",
                    jrq.admin().job(queue, id).map(j -> j.status().name()).orElse(null));
            JsonOutput.print(out, o);
        } else {
            out.println(id);
            out.flush();
        }
        return ExitCodes.OK;
    }

    private int await(Job<Object> job) {
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.println(job.id());
            out.flush();
        }
        ObjectNode o = JsonOutput.object();
        o.put("id", job.id());
        o.put("queue", job.queue());
        try {
            Object result = job.await(wait);
            JsonNode value = JsonOutput.tree(result);
            if (json) {
                o.put("status", JobStatus.FINISHED.name());
                o.set("result", value);
                o.putNull("error");
                JsonOutput.print(out, o);
            } else {
                out.println(JsonOutput.text(value));
                out.flush();
            }
            return ExitCodes.OK;
        } catch (JobFailedException e) {
            JobStatus status = job.info().status();
            JobError error = e.error();
            if (json) {
                o.put("status", status.name());
                o.putNull("result");
                o.set("error", JsonOutput.error(error, false));
                JsonOutput.print(out, o);
            }
            String why = error.type().equals(status.name())
                    ? "was " + status.name().toLowerCase(Locale.ROOT)
                    : "failed: " + error.type() + (error.message().isEmpty() ? "" : ": " + error.message());
            throw new CliException(ExitCodes.FAILED, "job " + job.id() + " " + why, e);
        } catch (AwaitTimeoutException e) {
            JobStatus status = job.status();
            if (json) {
                o.put("status", status.name());
                o.putNull("result");
                o.putNull("error");
                JsonOutput.print(out, o);
            }
            throw new CliException(
                    ExitCodes.FAILED,
                    "job " + job.id() + " has not ended after " + Durations.format(wait) + " (it is " + status
                            + "); it goes on",
                    e);
        }
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
