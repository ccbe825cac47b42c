package io.jrq.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.JobContext;
import io.jrq.RecurringJob;
import io.jrq.spring.internal.AnnotatedMethods;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Annotated methods are checked as their beans are created: no Redis needed. */
class AnnotationValidationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withBean(AnnotatedMethods.class)
            .withPropertyValues("reports.cron=0 3 * * *", "reports.zone=Europe/Paris", "cache.every=90s");

    static class Good {
        @JrqHandler("send-email")
        String send(String to, JobContext ctx) {
            return to;
        }

        @Recurring(name = "nightly", cron = "${reports.cron}", zone = "${reports.zone}", queue = "reports")
        void nightly() {}

        @Recurring(name = "refresh", interval = "${cache.every}")
        @Recurring(name = "refresh-fast", interval = "5s")
        void refresh(JobContext ctx) {}

        @JrqHandler("digest")
        @Recurring(name = "digest", cron = "*/5 * * * *")
        void digest() {}
    }

    static class NoSchedule {
        @Recurring(name = "x")
        void run() {}
    }

    static class BothSchedules {
        @Recurring(name = "x", cron = "* * * * *", interval = "1m")
        void run() {}
    }

    static class BadCron {
        @Recurring(name = "x", cron = "61 * * * *")
        void run() {}
    }

    static class BadHandlerName {
        @JrqHandler("send::email")
        void run() {}
    }

    static class OtherHandler {
        @JrqHandler("send-email")
        void run() {}
    }

    static class RecurringWithArgument {
        @Recurring(name = "x", interval = "1m")
        void run(String s) {}
    }

    static class MissingPlaceholder {
        @Recurring(name = "x", cron = "${nowhere}")
        void run() {}
    }

    static class BadInterval {
        @Recurring(name = "x", interval = "soon")
        void run() {}
    }

    @Test
    void findsHandlersAndSchedulesWithPlaceholders() {
        runner.withBean("good", Good.class).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            AnnotatedMethods m = ctx.getBean(AnnotatedMethods.class);
            assertThat(m.handlers())
                    .containsOnlyKeys(
                            "send-email", "digest", "recurring.nightly", "recurring.refresh", "recurring.refresh-fast");
            assertThat(m.schedules())
                    .extracting(RecurringJob::name)
                    .containsExactlyInAnyOrder("nightly", "refresh", "refresh-fast", "digest");
            RecurringJob nightly = m.schedules().stream()
                    .filter(j -> j.name().equals("nightly"))
                    .findFirst()
                    .orElseThrow();
            assertThat(nightly.queue()).isEqualTo("reports");
            assertThat(nightly.cron()).contains("0 3 * * *");
            assertThat(nightly.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
            assertThat(nightly.function()).isEqualTo("recurring.nightly");
            RecurringJob refresh = m.schedules().stream()
                    .filter(j -> j.name().equals("refresh"))
                    .findFirst()
                    .orElseThrow();
            assertThat(refresh.interval()).contains(Duration.ofSeconds(90));
            RecurringJob digest = m.schedules().stream()
                    .filter(j -> j.name().equals("digest"))
                    .findFirst()
                    .orElseThrow();
            assertThat(digest.function()).isEqualTo("digest");
        });
    }

    private void fails(Class<?> type, String... messages) {
        runner.withBean("bad", type).run(ctx -> {
            assertThat(ctx).hasFailed();
            // The failure jrq raises, below Spring's BeanCreationException, names the bean and method.
            Throwable t = ctx.getStartupFailure();
            while (!(t instanceof IllegalStateException) && t.getCause() != null) {
                t = t.getCause();
            }
            assertThat(t.getMessage()).contains("bean 'bad'", type.getName() + ".");
            for (String m : messages) {
                assertThat(t.getMessage()).contains(m);
            }
        });
    }

    @Test
    void badInputFailsTheStartNamingBeanAndMethod() {
        fails(NoSchedule.class, "exactly one of cron and interval", "neither", "run()");
        fails(BothSchedules.class, "exactly one of cron and interval", "both");
        fails(BadCron.class, "61 * * * *");
        fails(BadHandlerName.class, "handler name", "send::email");
        fails(RecurringWithArgument.class, "takes no arguments");
        fails(MissingPlaceholder.class, "nowhere");
        fails(BadInterval.class, "soon", "not a duration");
    }

    @Test
    void aHandlerNameTakenTwiceNamesBothBeans() {
        runner.withBean("good", Good.class).withBean("bad", OtherHandler.class).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure())
                    .rootCause()
                    .hasMessageContainingAll("'send-email' is already registered", "bean 'good'", "bean 'bad'");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Unused {
        @Bean
        String unused() {
            return "";
        }
    }
}
