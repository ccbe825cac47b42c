package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.RecurringJob;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** {@code jrq completion} and {@code jrq recurring}, run as processes. */
class CliMiscIT extends CliSupport {
    @Test
    void printsABashCompletionScriptForEveryCommand() {
        Cli.Result r = cli.run("completion");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains("complete -F _complete_jrq")
                .contains("function _picocli_jrq_failed_requeue()")
                .contains("--classpath")
                .contains("--retry-delay")
                .contains("--interval");
    }

    @Test
    void listsAndDeletesRecurringJobs() {
        jrq.recurring()
                .schedule(RecurringJob.builder("nightly")
                        .queue("reports")
                        .cron("0 3 * * *", ZoneId.of("Europe/Paris"))
                        .handler("build-report", 42)
                        .build());

        Cli.Result list = cli.run("recurring", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out())
                .contains("nightly")
                .contains("reports")
                .contains("0 3 * * *")
                .contains("build-report");
        Cli.Result json = cli.run("recurring", "list", "--json");
        assertThat(json.out()).contains("\"name\":\"nightly\"").contains("\"queue\":\"reports\"");

        Cli.Result delete = cli.run("recurring", "delete", "-q", "reports", "nightly");
        assertThat(delete.exitCode()).as(delete.toString()).isZero();
        assertThat(jrq.recurring().get("reports", "nightly")).isEmpty();
        Cli.Result again = cli.run("recurring", "delete", "-q", "reports", "nightly");
        assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(again.err()).contains("no recurring job named nightly");
    }
}
