package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

/** The command line's log lines hide URL credentials the one way, even in URIs Lettuce masked itself. */
class RedactedLogsTest {
    @Test
    void messagesAndStackTracesShowThreeStars() {
        LoggerContext ctx = new LoggerContext();
        IllegalStateException cause =
                new IllegalStateException("Cannot connect to [redis://app:**********@10.0.0.7:7000]");
        LoggingEvent event = new LoggingEvent(
                "x",
                ctx.getLogger("io.lettuce.core.RedisClient"),
                Level.DEBUG,
                "Trying to get a Redis connection for: {}",
                new RuntimeException("wrapped", cause),
                new Object[] {"redis://app:*******@h:1"});

        RedactedLogs.StackTrace ex = new RedactedLogs.StackTrace();
        ex.setContext(ctx);
        ex.start();
        String message = new RedactedLogs.Message().convert(event);
        String trace = ex.convert(event);

        assertThat(message).isEqualTo("Trying to get a Redis connection for: redis://app:***@h:1");
        assertThat(trace)
                .contains("Cannot connect to [redis://app:***@10.0.0.7:7000]")
                .doesNotContainPattern("\\*{4,}");
    }
}
