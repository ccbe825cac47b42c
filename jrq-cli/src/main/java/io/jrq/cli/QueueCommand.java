package io.jrq.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.Admin;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.QueueInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jrq queue list|pause|resume|empty|partitions}. */
@Command(
        name = "queue",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Lists queues, or pauses, resumes or empties one.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            QueueCommand.ListQueues.class,
            QueueCommand.Pause.class,
            QueueCommand.Resume.class,
            QueueCommand.Empty.class,
            QueueCommand.Partitions.class
        },
        commandListHeading = "%nCommands:%n",
        footer = {
            "",
            "Examples:",
            "  jrq queue list",
            "  jrq queue pause emails",
            "  jrq queue resume emails",
            "  jrq queue empty imports",
            "  jrq queue partitions emails 6"
        })
final class QueueCommand extends GroupCommand {
    /** {@code jrq queue list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Lists every queue with its job counts per state and whether it is paused.",
            footer = {"", "Examples:", "  jrq queue list", "  jrq queue list --json | jq -r 'select(.paused) | .name'"})
    static final class ListQueues implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Option(names = "--json", order = 10, description = "Print one JSON object per queue (see docs/CLI.md).")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Jrq jrq = common.connect(JrqOptions.builder())) {
                List<QueueInfo> queues = jrq.admin().queues();
                if (json) {
                    queues.forEach(q -> out.println(JsonOutput.text(JsonOutput.queue(q))));
                } else if (queues.isEmpty()) {
                    out.println("No queues yet.");
                } else {
                    Terminal term = Terminal.detect();
                    Queues.table(queues, term).print(out, term);
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** What pause, resume and empty share: the queue name, --json, the check that the queue exists. */
    abstract static class Change implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "NAME", converter = QueueNames.class, description = "The queue.")
        String name;

        @Option(names = "--json", order = 10, description = "Print a JSON object (see docs/CLI.md).")
        boolean json;

        @Override
        public final Integer call() {
            try (Jrq jrq = common.connect(JrqOptions.builder())) {
                Admin admin = jrq.admin();
                Queues.requireKnown(Queues.names(admin), name);
                ObjectNode o = JsonOutput.object();
                o.put("queue", name);
                String sentence = change(admin, o);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    JsonOutput.print(out, o);
                } else {
                    out.println(sentence);
                    out.flush();
                }
            }
            return ExitCodes.OK;
        }

        /**
         * @param admin the admin API
         * @param o the JSON answer, to complete
         * @return the sentence to print
         */
        abstract String change(Admin admin, ObjectNode o);
    }

    /** {@code jrq queue pause NAME}. */
    @Command(
            name = "pause",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Stops workers from taking jobs from a queue; running jobs go on.",
            description = {"Enqueueing to a paused queue still works.", ""},
            footer = {"", "Example:", "  jrq queue pause emails"})
    static final class Pause extends Change {
        @Override
        String change(Admin admin, ObjectNode o) {
            admin.pause(name);
            o.put("action", "pause");
            o.put("paused", true);
            return "paused queue " + name;
        }
    }

    /** {@code jrq queue resume NAME}. */
    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Lets workers take jobs from a paused queue again.",
            footer = {"", "Example:", "  jrq queue resume emails"})
    static final class Resume extends Change {
        @Override
        String change(Admin admin, ObjectNode o) {
            admin.resume(name);
            o.put("action", "resume");
            o.put("paused", false);
            return "resumed queue " + name;
        }
    }

    /** {@code jrq queue empty NAME}. */
    @Command(
            name = "empty",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Deletes every QUEUED job of a queue; running, scheduled and ended jobs stay.",
            footer = {"", "Example:", "  jrq queue empty imports"})
    static final class Empty extends Change {
        @Override
        String change(Admin admin, ObjectNode o) {
            long n = admin.empty(name);
            o.put("action", "empty");
            o.put("deleted", n);
            return "deleted " + Text.count(n) + " queued job" + (n == 1 ? "" : "s") + " from queue " + name;
        }
    }

    /** {@code jrq queue partitions NAME [COUNT]}. */
    @Command(
            name = "partitions",
            mixinStandardHelpOptions = true,
            versionProvider = Main.Version.class,
            sortOptions = false,
            header = "Shows or changes how many partitions take a queue's new jobs.",
            description = {
                "A queue with several partitions spreads over the masters of a Redis Cluster; producers and"
                        + " workers pick a change up within seconds. Shrinking loses nothing: partitions beyond"
                        + " the count take no new jobs and are served until empty; running the command again"
                        + " a minute after they emptied retires them. See docs/PROTOCOL.md, \"Partitioned queues\".",
                ""
            },
            footer = {"", "Examples:", "  jrq queue partitions emails", "  jrq queue partitions emails 6"})
    static final class Partitions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "NAME", converter = QueueNames.class, description = "The queue.")
        String name;

        @Parameters(
                index = "1",
                arity = "0..1",
                paramLabel = "COUNT",
                description = "The new number of partitions, 1 to 64; without it, the current one is shown.")
        Integer count;

        @Option(names = "--json", order = 10, description = "Print a JSON object (see docs/CLI.md).")
        boolean json;

        @Override
        public Integer call() {
            if (count != null && (count < 1 || count > 64)) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "COUNT must be 1 to 64, got " + count);
            }
            try (Jrq jrq = common.connect(JrqOptions.builder())) {
                Admin admin = jrq.admin();
                int before = admin.partitions(name);
                String sentence;
                if (count == null) {
                    sentence = "queue " + name + " has " + before + " partition" + (before == 1 ? "" : "s");
                } else {
                    try {
                        admin.partitions(name, count);
                    } catch (IllegalArgumentException e) {
                        throw new CliException(ExitCodes.USAGE, e.getMessage());
                    }
                    sentence =
                            "queue " + name + ": " + before + " -> " + count + " partition" + (count == 1 ? "" : "s");
                }
                int now = admin.partitions(name);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    ObjectNode o = JsonOutput.object();
                    o.put("queue", name);
                    o.put("partitions", now);
                    if (count != null) {
                        o.put("was", before);
                    }
                    JsonOutput.print(out, o);
                } else {
                    out.println(sentence);
                    out.flush();
                }
            }
            return ExitCodes.OK;
        }
    }
}
