package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.JobError;
import io.jrq.JobFailedException;
import io.jrq.RedisUnavailableException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run("demo", "--bogus")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("jrq: Unknown option: '--bogus'").contains("jrq demo --help");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(run("nope")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("'nope'");
    }

    @Test
    void unknownCommandIsAUsageErrorEvenWithHelp() {
        assertThat(run("nosuch", "--help")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).startsWith("jrq: unknown command 'nosuch' for 'jrq'\n");
        assertThat(out.toString()).as("no help printed").isEmpty();

        err.getBuffer().setLength(0);
        assertThat(run("dashbord", "--help")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString())
                .startsWith("jrq: unknown command 'dashbord' for 'jrq'\n")
                .contains("Did you mean: jrq dashboard")
                .contains("Try 'jrq --help'");
        assertThat(run("queue", "nosuch", "--help")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("jrq: unknown command 'nosuch' for 'jrq queue'");
        assertThat(run("demo", "--bogus", "--help")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("jrq: Unknown option: '--bogus'");
        assertThat(out.toString()).isEmpty();
        assertThat(run("dashboard", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("Usage: jrq dashboard");
    }

    @Test
    void enqueueOptionsAreCheckedBeforeConnecting() {
        String u = "redis://127.0.0.1:1";
        String[][] bad = {
            {"--meta", "novalue", "--meta must be KEY=VALUE with a key, got: 'novalue'"},
            {"--meta", "=v", "--meta must be KEY=VALUE"},
            {"--unique-scope", "queued", "--unique-scope needs --unique KEY"},
            {"--unique-ttl", "1h", "--unique-ttl needs --unique KEY"},
            {"--on-dependency-failure", "run", "--on-dependency-failure needs --depends-on"},
            {"--depends-on", "bad queue/a", "--depends-on: 'bad queue/a' is not QUEUE/ID"},
            {"--result-ttl", "500ms", "--result-ttl: must be at least 1s, got: 500ms"},
            {"--result-ttl", "soon", "Invalid value for option '--result-ttl': 'soon' is not a duration"},
            {"--timeout", "0s", "--timeout: must be at least 1ms, got: 0s"},
            {"--id", "a b", "--id: job id must be 1-128 characters"},
            {"--unique", "", "--unique: the key must be 1-200 characters"},
            {"--description", "d".repeat(1001), "--description: must be at most 1000 characters"},
        };
        for (String[] b : bad) {
            err.getBuffer().setLength(0);
            assertThat(run("enqueue", "-u", u, "x", b[0], b[1])).as(b[0]).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString()).as(b[0]).contains("jrq: " + b[2]);
        }
        err.getBuffer().setLength(0);
        assertThat(run("enqueue", "-u", u, "x", "--unique", "k", "--unique-scope", "forever"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--unique: the scope must be queued, active or ttl, got: 'forever'");
        assertThat(run("enqueue", "-u", u, "x", "--unique", "k", "--unique-scope", "ttl"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--unique: scope ttl needs a ttl");
        assertThat(run("enqueue", "-u", u, "x", "--depends-on", "a", "--on-dependency-failure", "skip"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--on-dependency-failure: must be cancel or run, got: 'skip'");
        assertThat(run("enqueue", "-u", u, "--file", "f.jsonl", "--unique", "k"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--unique names one job; it cannot be used with --file");
    }

    @Test
    void noCommandPrintsTheUsageAndIsAUsageError() {
        assertThat(run()).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("Usage: jrq").contains("demo");
    }

    @Test
    void invalidOptionValuesAreUsageErrors() {
        assertThat(run("demo", "--jobs", "-1")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--jobs must be between 0 and 1000000");
        assertThat(run("demo", "--workers", "many")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("demo", "-u", "localhost:6379")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("invalid value for option '--url'");
    }

    @Test
    void helpAndVersionSucceed() {
        assertThat(run("--help")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString())
                .contains("Usage: jrq")
                .contains("Exit codes:")
                .contains("demo");
        assertThat(run("demo", "--help")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).contains("--url").contains("JRQ_REDIS_URL").contains("--jobs");
        assertThat(run("--version")).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).containsPattern("jrq \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void everyCommandHasHelpWithExamplesThatFitsEightyColumns() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        assertThat(all)
                .extracting(CommandLine::getCommandName)
                .contains(
                        "worker",
                        "enqueue",
                        "job",
                        "show",
                        "cancel",
                        "stop",
                        "requeue",
                        "delete",
                        "info",
                        "queue",
                        "list",
                        "pause",
                        "resume",
                        "empty",
                        "failed",
                        "recurring",
                        "demo",
                        "completion");
        for (CommandLine c : all) {
            if (c.getCommandName().equals("help") || c.getCommandName().equals("demo")) {
                continue;
            }
            String name = c.getCommandSpec().qualifiedName();
            assertThat(String.join("\n", c.getCommandSpec().usageMessage().footer()))
                    .as(name)
                    .containsPattern("Examples?:");
            for (String line : c.getCommandSpec().usageMessage().footer()) {
                assertThat(line.length()).as(name + ": " + line).isLessThanOrEqualTo(80);
            }
            StringWriter help = new StringWriter();
            c.usage(new PrintWriter(help));
            assertThat(help.toString()).as(name).contains("--help");
        }
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        c.getSubcommands().values().stream().distinct().forEach(s -> collect(s, into));
    }

    @Test
    void commandsCheckTheirOptionsBeforeConnecting() {
        assertThat(run("enqueue", "-u", "redis://127.0.0.1:1", "x", "--in", "1s", "--at", "2030-01-01T00:00"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("enqueue", "-u", "redis://127.0.0.1:1", "x", "--retry", "1000"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--retry must be between 0 and 999, got: 1000");
        assertThat(run("enqueue", "-u", "redis://127.0.0.1:1", "x", "--retry-delay", "1s"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("enqueue", "-u", "redis://127.0.0.1:1", "--file", "f.jsonl", "x"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("enqueue", "-u", "redis://127.0.0.1:1", "--file", "f.jsonl", "--wait", "1s"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("enqueue", "-u", "redis://127.0.0.1:1")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("missing FUNCTION");
        assertThat(run("info", "-u", "redis://127.0.0.1:1", "--interval", "0.01"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("info", "-u", "redis://127.0.0.1:1", "--count", "2")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("failed", "list", "-u", "redis://127.0.0.1:1", "--limit", "-1"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run("worker", "-q", "bad name")).isEqualTo(ExitCodes.USAGE);
        assertThat(run("job")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void failuresMapToExitCodes() {
        RedisUnavailableException down = new RedisUnavailableException(
                "cannot connect to Redis at localhost:6379", new ConnectException("refused"));
        JobFailedException failed =
                new JobFailedException("42", new JobError("java.lang.IllegalStateException", "boom", ""));
        assertThat(ExitCodes.of(down)).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
        assertThat(ExitCodes.of(new CompletionException(down))).isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
        assertThat(ExitCodes.of(failed)).isEqualTo(ExitCodes.FAILED);
        assertThat(ExitCodes.of(new ExecutionException(failed))).isEqualTo(ExitCodes.FAILED);
        assertThat(ExitCodes.of(new CliException(ExitCodes.REDIS_UNAVAILABLE, "x")))
                .isEqualTo(ExitCodes.REDIS_UNAVAILABLE);
        assertThat(ExitCodes.of(new CommandLine.ParameterException(Main.commandLine(), "x")))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(ExitCodes.of(new IllegalStateException("bug"))).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void redactsPasswords() {
        assertThat(CommonOptions.redact("redis://:secret@host:6379")).isEqualTo("redis://:***@host:6379");
        assertThat(CommonOptions.redact("redis://user:secret@host:6379/2")).isEqualTo("redis://user:***@host:6379/2");
        assertThat(CommonOptions.redact("redis://host:6379")).isEqualTo("redis://host:6379");
    }

    @Test
    void formatsNumbersAndTimes() {
        assertThat(DemoCommand.count(10_000)).isEqualTo("10,000");
        assertThat(DemoCommand.rate(10_000, 2_000_000_000L)).isEqualTo("5,000");
        assertThat(DemoCommand.time(3_400_000)).isEqualTo("3.4 ms");
        assertThat(DemoCommand.time(250_000_000)).isEqualTo("250 ms");
        assertThat(DemoCommand.time(5_004_000_000L)).isEqualTo("5.00 s");
    }
}
