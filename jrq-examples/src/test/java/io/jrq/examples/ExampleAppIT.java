package io.jrq.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.testkit.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExampleAppIT {
    @Test
    void enqueuesRunsAndPrintsTheReports() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (RedisServer redis = RedisServer.start()) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            ExampleApp.main(new String[] {redis.url()});
        } finally {
            System.setOut(stdout);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .contains("enqueued 3 reports")
                .contains("acme: 10 orders, 199.90 total")
                .contains("globex: 12 orders, 239.88 total")
                .contains("initech: 13 orders, 259.87 total");
    }
}
