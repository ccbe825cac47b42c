package io.jrq.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jrq completion}: prints the bash (and zsh) completion script, generated from the commands themselves. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        header = "Prints a completion script for bash and zsh.",
        description = {"Completes commands, subcommands and options.", ""},
        footer = {
            "",
            "Examples:",
            "  source <(jrq completion)                        # this shell only",
            "  jrq completion > /etc/bash_completion.d/jrq     # every new shell",
            "  autoload -U +X bashcompinit && bashcompinit     # zsh, then as for bash"
        })
final class CompletionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("jrq", spec.root().commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
