package io.jrq.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code jrq} command. Each subcommand is a class of this package listed in {@code subcommands}
 * below; commands that talk to Redis mix in {@link CommonOptions}, return an exit code from
 * {@link ExitCodes}, and report failures by throwing ({@link CliException} for their own).
 */
@Command(
        name = "jrq",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Background jobs for Java on Redis.",
        subcommands = {
            WorkerCommand.class,
            EnqueueCommand.class,
            JobCommand.class,
            InfoCommand.class,
            QueueCommand.class,
            FailedCommand.class,
            RecurringCommand.class,
            DashboardCommand.class,
            DemoCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class
        },
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a job failed or was not found, or another error",
            "2:invalid command line",
            "3:Redis cannot be reached",
            "4:Redis is full (maxmemory reached): nothing was stored",
            "5:an enqueue got no answer: the job may be stored (see the message)"
        },
        footer = {
            "",
            "Environment: JRQ_REDIS_URL (default Redis URL), JRQ_LOG_LEVEL (e.g. DEBUG),",
            "NO_COLOR (no colours).",
            "",
            "Examples:",
            "  jrq demo                          # jrq at work; needs no Redis of your own",
            "  jrq worker --allow io.jrq.demo    # a worker that runs the demo jobs",
            "  jrq enqueue io.jrq.demo.DemoJobs::echo hello --wait 10s",
            "  jrq info --interval 2",
            "",
            "`jrq COMMAND --help` tells more; docs/CLI.md describes every command and",
            "its --json output."
        })
public final class Main implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        quietNettyOnNewerJava();
        System.exit(execute(args));
    }

    /**
     * From Java 24 on, the JVM prints a warning on stderr when a library first uses
     * {@code sun.misc.Unsafe} memory access, as Netty (under the Redis driver) does by default. A
     * command-line tool should not greet its users with that, so Netty is asked to do without it
     * unless the user has decided otherwise ({@code -Dio.netty.noUnsafe=false}).
     */
    static void quietNettyOnNewerJava() {
        if (Runtime.version().feature() >= 24 && System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
    }

    /**
     * Runs the command line without exiting.
     *
     * @param args the arguments
     * @return the exit code, one of {@link ExitCodes}
     */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** @return the configured command line, for {@link #execute} and tests (which may redirect its output) */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setExecutionExceptionHandler(Main::onFailure);
        cmd.setParameterExceptionHandler(Main::onUsageError);
        cmd.setExecutionStrategy(Main::run);
        cmd.setUsageHelpAutoWidth(true);
        return cmd;
    }

    /**
     * Picocli lets unmatched arguments pass when help is asked for, so {@code jrq nosuch --help}
     * would print the top-level help and succeed: a script would not learn that the command does
     * not exist. Unmatched arguments are a usage error here, with or without {@code --help}.
     */
    private static int run(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (!p.unmatched().isEmpty()) {
                throw new UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched());
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** Without a command: the usage on stderr, as for any other usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    private static int onUsageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("jrq: " + usageMessage(e));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /** A word that is not an option where a command was expected is an unknown command, and says so. */
    private static String usageMessage(ParameterException e) {
        if (e instanceof UnmatchedArgumentException u
                && !u.isUnknownOption()
                && !u.getUnmatched().isEmpty()
                && !u.getCommandLine().getSubcommands().isEmpty()
                && u.getCommandLine().getCommandSpec().positionalParameters().isEmpty()) {
            return "unknown command '" + u.getUnmatched().get(0) + "' for '"
                    + u.getCommandLine().getCommandSpec().qualifiedName() + "'";
        }
        return e.getMessage();
    }

    private static int onFailure(Exception e, CommandLine cmd, ParseResult parsed) {
        Throwable failure = ExitCodes.unwrap(e);
        PrintWriter err = cmd.getErr();
        boolean verbose = verbose(parsed);
        err.println("jrq: " + describe(failure, verbose));
        if (verbose) {
            failure.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.of(failure);
    }

    /** Our own exceptions carry a message meant for the user; anything else is named by its type too. */
    private static String describe(Throwable e, boolean verbose) {
        String message = e.getMessage();
        if (e instanceof io.jrq.JrqException || e instanceof CliException) {
            return message != null ? message : e.getClass().getSimpleName();
        }
        String text = e.getClass().getName() + (message != null ? ": " + message : "");
        return verbose ? text : text + " (run again with --verbose for details)";
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** {@code --version}: the jrq version (from the build) and the Java running it. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "jrq " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")
            };
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    return p.getProperty("version", "unknown");
                }
            } catch (IOException ignored) {
                // fall through
            }
            return "unknown";
        }
    }
}
