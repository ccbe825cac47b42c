package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code jrq completion} and {@code jrq recurring}, run as processes. */
class CliMiscIT extends CliSupport {
    @Test
    void printsABashCompletionScriptForEveryCommand() {
        Cli.Result r = cli.run("completion");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("complete -F _complete_jrq")
                .contains("function _picocli_jrq_failed_requeue()")
                .contains("--classpath").contains("--retry-delay").contains("--interval");
    }

    @Test
    void recurringJobsAreNotAvailableYet() {
        Cli.Result list = cli.run("recurring", "list");
        Cli.Result delete = cli.run("recurring", "delete", "nightly");

        assertThat(list.exitCode()).as(list.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(list.err()).isEqualTo("jrq: recurring jobs are not available in this version of jrq\n");
        assertThat(delete.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(delete.err()).isEqualTo("jrq: recurring jobs are not available in this version of jrq\n");
    }
}
