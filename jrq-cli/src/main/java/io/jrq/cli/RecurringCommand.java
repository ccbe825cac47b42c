package io.jrq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jrq recurring list|delete}, through {@link RecurringJobs}. */
@Command(
        name = "recurring",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Lists or deletes recurring jobs.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {RecurringCommand.ListRecurring.class, RecurringCommand.Delete.class},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Examples:", "  jrq recurring list", "  jrq recurring delete -q reports nightly-report"})
final class RecurringCommand extends GroupCommand {
    /** {@code jrq recurring list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Lists recurring jobs with their schedules and next runs.",
            footer = {"", "Example:", "  jrq recurring list --json"})
    static final class ListRecurring implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Option(names = "--json", order = 10, description = "Print one JSON object per recurring job.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Jrq jrq = common.connect(JrqOptions.builder())) {
                List<RecurringJobs.Entry> entries = RecurringJobs.of(jrq).list();
                Terminal term = Terminal.detect();
                Table t = new Table("QUEUE", "NAME", "SCHEDULE", "FUNCTION", "NEXT RUN");
                for (RecurringJobs.Entry e : entries) {
                    if (json) {
                        ObjectNode o = JsonOutput.object();
                        o.put("queue", e.queue());
                        o.put("name", e.name());
                        o.put("schedule", e.schedule());
                        o.put("function", e.function());
                        o.put("nextRun", e.nextRun().map(Instant::toString).orElse(null));
                        out.println(JsonOutput.text(o));
                    } else {
                        t.row(
                                e.queue(),
                                e.name(),
                                e.schedule(),
                                e.function(),
                                e.nextRun().map(Instant::toString).orElse(""));
                    }
                }
                if (!json) {
                    if (t.isEmpty()) {
                        out.println("No recurring jobs.");
                    } else {
                        t.print(out, term);
                    }
                }
                out.flush();
                // Definitions nothing can read never run: say so, on stderr so --json output stays parseable.
                PrintWriter err = spec.commandLine().getErr();
                for (String bad : jrq.recurring().unreadable()) {
                    err.println("jrq: unreadable recurring job (it never runs): " + bad);
                }
                err.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** {@code jrq recurring delete NAME}. */
    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Deletes a recurring job; jobs it already enqueued stay.",
            footer = {"", "Example:", "  jrq recurring delete -q reports nightly-report"})
    static final class Delete implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "NAME", description = "The recurring job's name.")
        String name;

        @Option(
                names = {"-q", "--queue"},
                paramLabel = "QUEUE",
                defaultValue = "default",
                converter = QueueNames.class,
                order = 2,
                description = "Its queue (default: ${DEFAULT-VALUE}).")
        String queue;

        @Override
        public Integer call() {
            try (Jrq jrq = common.connect(JrqOptions.builder())) {
                if (!RecurringJobs.of(jrq).delete(queue, name)) {
                    throw new CliException(ExitCodes.FAILED, "no recurring job named " + name + " in queue " + queue);
                }
                spec.commandLine().getOut().println("deleted recurring job " + name + " of queue " + queue);
                spec.commandLine().getOut().flush();
            }
            return ExitCodes.OK;
        }
    }
}
