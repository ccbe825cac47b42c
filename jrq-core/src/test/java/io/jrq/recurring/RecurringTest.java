package io.jrq.recurring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrq.CronSyntax;
import io.jrq.InvalidJobException;
import io.jrq.Jrq;
import io.jrq.Recurring;
import io.jrq.RecurringInfo;
import io.jrq.RecurringJob;
import io.jrq.internal.codec.Json;
import io.jrq.internal.codec.RetrySpec;
import io.jrq.internal.schedule.CronSchedule;
import io.jrq.internal.schedule.IntervalSchedule;
import io.jrq.internal.schedule.RecurringDef;
import io.jrq.internal.schedule.Schedule;
import io.jrq.internal.schedule.TickPlan;
import io.jrq.internal.schedule.TickPlan.Step;
import io.jrq.testjobs.Jobs;
import io.jrq.testjobs.Ticks;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Next due times (time zones, DST), the misfire policy and validation of recurring jobs, without Redis. */
class RecurringTest {
    public static int length(InputStream in) {
        return 0;
    }

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static long ms(String localDateTime, ZoneId zone) {
        return LocalDateTime.parse(localDateTime).atZone(zone).toInstant().toEpochMilli();
    }

    private static ZonedDateTime at(long ms, ZoneId zone) {
        return Instant.ofEpochMilli(ms).atZone(zone);
    }

    /** The ticks of a schedule from {@code from} (exclusive) up to {@code to}. */
    private static List<ZonedDateTime> ticks(Schedule s, long from, long to, ZoneId zone) {
        List<ZonedDateTime> out = new ArrayList<>();
        long t = s.nextAfter(from, from);
        while (t <= to) {
            out.add(at(t, zone));
            long n = s.next(t);
            assertThat(n).as("ticks strictly increase").isGreaterThan(t);
            t = n;
        }
        return out;
    }

    private static List<ZonedDateTime> onDate(List<ZonedDateTime> ticks, LocalDate date) {
        return ticks.stream().filter(z -> z.toLocalDate().equals(date)).toList();
    }

    @Test
    void aDailyJobAtATimeSkippedBySpringForwardRunsOnceThatDayAnHourLater() {
        CronSchedule s = CronSchedule.parse("30 2 * * *", "UNIX", PARIS);
        List<ZonedDateTime> ticks = ticks(s, ms("2026-03-27T12:00", PARIS), ms("2026-03-31T12:00", PARIS), PARIS);
        // 2026-03-29: clocks jump from 02:00 to 03:00, so 02:30 does not exist; it runs at 03:30 CEST.
        assertThat(ticks)
                .extracting(ZonedDateTime::toLocalDateTime)
                .containsExactly(
                        LocalDateTime.parse("2026-03-28T02:30"), LocalDateTime.parse("2026-03-29T03:30"),
                        LocalDateTime.parse("2026-03-30T02:30"), LocalDateTime.parse("2026-03-31T02:30"));
        assertThat(ticks.get(1).toInstant()).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void aDailyJobAtATimeRepeatedByFallBackRunsOnceThatDay() {
        // Europe/Paris, 2026-10-25: 03:00 CEST becomes 02:00 CET, so 02:00-02:59 occurs twice.
        CronSchedule paris = CronSchedule.parse("30 2 * * *", "UNIX", PARIS);
        List<ZonedDateTime> ticks = ticks(paris, ms("2026-10-24T12:00", PARIS), ms("2026-10-26T12:00", PARIS), PARIS);
        assertThat(onDate(ticks, LocalDate.parse("2026-10-25")))
                .extracting(ZonedDateTime::toInstant)
                .containsExactly(Instant.parse("2026-10-25T00:30:00Z")); // the first 02:30, CEST
        assertThat(ticks).hasSize(2);

        // 01:30 is not repeated in Paris: once, at 01:30 CEST.
        CronSchedule early = CronSchedule.parse("30 1 * * *", "UNIX", PARIS);
        assertThat(onDate(
                        ticks(early, ms("2026-10-24T12:00", PARIS), ms("2026-10-26T12:00", PARIS), PARIS),
                        LocalDate.parse("2026-10-25")))
                .extracting(ZonedDateTime::toInstant)
                .containsExactly(Instant.parse("2026-10-24T23:30:00Z"));

        // America/New_York, 2026-11-01: 02:00 EDT becomes 01:00 EST, so 01:30 occurs twice; it runs once, at 01:30 EDT.
        CronSchedule ny = CronSchedule.parse("30 1 * * *", "UNIX", NEW_YORK);
        List<ZonedDateTime> nyTicks =
                ticks(ny, ms("2026-10-31T12:00", NEW_YORK), ms("2026-11-02T12:00", NEW_YORK), NEW_YORK);
        assertThat(onDate(nyTicks, LocalDate.parse("2026-11-01")))
                .extracting(ZonedDateTime::toInstant)
                .containsExactly(Instant.parse("2026-11-01T05:30:00Z"));

        // A fixed-hour expression with several minutes: each repeated time once.
        CronSchedule twice = CronSchedule.parse("0,30 2 * * *", "UNIX", PARIS);
        assertThat(onDate(
                        ticks(twice, ms("2026-10-24T12:00", PARIS), ms("2026-10-26T12:00", PARIS), PARIS),
                        LocalDate.parse("2026-10-25")))
                .extracting(ZonedDateTime::toInstant)
                .containsExactly(Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T00:30:00Z"));
    }

    @Test
    void everyHourExpressionsFollowElapsedTimeAcrossBothChanges() {
        CronSchedule hourly = CronSchedule.parse("0 * * * *", "UNIX", PARIS);
        List<ZonedDateTime> back = onDate(
                ticks(hourly, ms("2026-10-24T12:00", PARIS), ms("2026-10-26T12:00", PARIS), PARIS),
                LocalDate.parse("2026-10-25"));
        assertThat(back).hasSize(25); // the 25-hour day: 02:00 runs in both passes
        List<ZonedDateTime> forward = onDate(
                ticks(hourly, ms("2026-03-28T12:00", PARIS), ms("2026-03-30T12:00", PARIS), PARIS),
                LocalDate.parse("2026-03-29"));
        assertThat(forward).hasSize(23);

        CronSchedule quarter = CronSchedule.parse("*/15 * * * *", "UNIX", PARIS);
        List<ZonedDateTime> q = ticks(quarter, ms("2026-10-25T00:00", PARIS), ms("2026-10-25T06:00", PARIS), PARIS);
        for (int i = 1; i < q.size(); i++) {
            assertThat(Duration.between(q.get(i - 1).toInstant(), q.get(i).toInstant()))
                    .isEqualTo(Duration.ofMinutes(15));
        }
        assertThat(q).hasSize(7 * 4); // 00:15 .. 06:00 local is 7 hours of elapsed time
    }

    @Test
    void aScheduleStartedInTheRepeatedHourFindsTheSecondPass() {
        CronSchedule s = CronSchedule.parse("30 2 * * *", "UNIX", PARIS);
        long inSecondPass = Instant.parse("2026-10-25T01:10:00Z").toEpochMilli(); // 02:10 CET
        assertThat(Instant.ofEpochMilli(s.first(inSecondPass))).isEqualTo(Instant.parse("2026-10-25T01:30:00Z"));
    }

    @Test
    void cronExpressionsWithSecondsAndTheNextTickIsStrictlyLater() {
        CronSchedule s = CronSchedule.parse("*/5 * * * * *", "SPRING", ZoneId.of("UTC"));
        long t = Instant.parse("2026-01-01T12:00:00.500Z").toEpochMilli();
        assertThat(Instant.ofEpochMilli(s.first(t))).isEqualTo(Instant.parse("2026-01-01T12:00:05Z"));
        long tick = Instant.parse("2026-01-01T12:00:05Z").toEpochMilli();
        assertThat(Instant.ofEpochMilli(s.next(tick))).isEqualTo(Instant.parse("2026-01-01T12:00:10Z"));
        CronSchedule quartz = CronSchedule.parse("0 0 3 ? * MON-FRI", "QUARTZ", PARIS);
        assertThat(at(quartz.first(ms("2026-11-27T12:00", PARIS)), PARIS).toLocalDateTime())
                .isEqualTo(LocalDateTime.parse("2026-11-30T03:00")); // Friday noon -> Monday 03:00
        assertThat(CronSchedule.parse("0 3 * * *", "UNIX", PARIS).first(ms("2026-06-01T03:00", PARIS)))
                .isEqualTo(ms("2026-06-02T03:00", PARIS));
    }

    @Test
    void intervalsKeepToTheirGrid() {
        IntervalSchedule s = new IntervalSchedule(300);
        assertThat(s.first(1000)).isEqualTo(1300);
        assertThat(s.next(1300)).isEqualTo(1600);
        assertThat(s.nextAfter(1000, 10_000)).isEqualTo(10_300);
        assertThat(s.nextAfter(1000, 10_001)).isEqualTo(10_300);
        assertThat(s.nextAfter(1000, 9_999)).isEqualTo(10_000);
        assertThat(s.nextAfter(1000, 700)).isEqualTo(1000);
        assertThat(s.nextAfter(1000, 699)).isEqualTo(700);
    }

    @Test
    void onTimeTicksRunAndTicksDueTogetherWithinTheGraceRunOneByOne() {
        IntervalSchedule s = new IntervalSchedule(300);
        assertThat(TickPlan.plan(s, false, 1000, 999, 50)).isEmpty();
        assertThat(TickPlan.plan(s, false, 1000, 1200, 50)).containsExactly(new Step(1000, true, 1300));
        assertThat(TickPlan.plan(s, true, 1000, 1700, 50))
                .containsExactly(new Step(1000, true, 1300), new Step(1300, true, 1600), new Step(1600, true, 1900));
        assertThat(TickPlan.plan(s, false, 1000, 1700, 2)).hasSize(2);
    }

    @Test
    void afterDowntimeRunOnceRunsOnceAndSkipRunsNothingThenBothResumeInTheFuture() {
        IntervalSchedule s = new IntervalSchedule(300);
        // 9 s late, far past the 1 s grace: 30 ticks were missed.
        assertThat(TickPlan.plan(s, false, 1000, 10_000, 50)).containsExactly(new Step(1000, true, 10_300));
        assertThat(TickPlan.plan(s, true, 1000, 10_000, 50)).containsExactly(new Step(1000, false, 10_300));

        // Daily at 03:00 Paris: the grace is 2.4 h. Two hours late still runs; three hours late has misfired.
        CronSchedule daily = CronSchedule.parse("0 3 * * *", "UNIX", PARIS);
        long due = ms("2026-06-01T03:00", PARIS);
        long tomorrow = ms("2026-06-02T03:00", PARIS);
        assertThat(TickPlan.grace(due, tomorrow))
                .isEqualTo(Duration.ofMinutes(144).toMillis());
        assertThat(TickPlan.plan(daily, true, due, ms("2026-06-01T05:00", PARIS), 50))
                .containsExactly(new Step(due, true, tomorrow));
        assertThat(TickPlan.plan(daily, true, due, ms("2026-06-01T06:00", PARIS), 50))
                .containsExactly(new Step(due, false, tomorrow));
        // A week of downtime: one catch-up run, then the next 03:00.
        assertThat(TickPlan.plan(daily, false, due, ms("2026-06-08T12:00", PARIS), 50))
                .containsExactly(new Step(due, true, ms("2026-06-09T03:00", PARIS)));
    }

    @Test
    void invalidCronExpressionsAreRefusedQuotingTheExpressionAndTheReason() {
        RecurringJob.Builder b = RecurringJob.builder("bad");
        assertThatThrownBy(() -> b.cron("61 * * * *", PARIS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'61 * * * *'")
                .hasMessageContaining("Value 61 not in range [0, 59]");
        assertThatThrownBy(() -> b.cron("0 3 * *", PARIS))
                .hasMessageContaining("'0 3 * *'")
                .hasMessageContaining("4 parts");
        assertThatThrownBy(() -> b.cron("0 0 3 * * *", PARIS)).hasMessageContaining("CronSyntax.SPRING");
        assertThatThrownBy(() -> b.cron("0 0 30 2 *", PARIS)).hasMessageContaining("never fires");
        assertThatThrownBy(() -> b.cron(" ", PARIS)).hasMessageContaining("empty");
        assertThatThrownBy(() -> b.cron("0 3 * * *", PARIS, CronSyntax.SPRING))
                .hasMessageContaining("'0 3 * * *'")
                .hasMessageContaining("SPRING");
        assertThatThrownBy(() -> b.every(Duration.ofMillis(50))).hasMessageContaining("PT0.05S");
        assertThatThrownBy(() -> RecurringJob.builder("no spaces")).hasMessageContaining("'no spaces'");
        assertThatThrownBy(() -> b.queue("a b")).hasMessageContaining("'a b'");
        assertThatThrownBy(() -> b.handler("a::b"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("'a::b'");
        assertThatThrownBy(() -> b.meta("recurring", "x")).hasMessageContaining("'recurring'");
        assertThatThrownBy(() -> RecurringJob.builder("empty")
                        .every(Duration.ofSeconds(1))
                        .build())
                .hasMessageContaining("runs nothing");
        assertThatThrownBy(() -> RecurringJob.builder("empty").call(Jobs::hello).build())
                .hasMessageContaining("no schedule");
        // Lambdas and arguments that do not survive JSON are refused when the job is built, as at enqueue.
        assertThatThrownBy(() -> b.call((String x) -> x.length(), "a"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("not a lambda");
        assertThatThrownBy(() -> b.call(RecurringTest::length, new ByteArrayInputStream(new byte[1])))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("argument 1");
    }

    @Test
    void theDefinitionRoundTripsThroughItsJsonAndEachRunHasADeterministicId() {
        RecurringDef def = new RecurringDef(
                "nightly",
                "reports",
                "io.jrq.testjobs.Jobs::add",
                Json.mapper().createArrayNode().add(2).add(3),
                List.of(),
                "0 3 * * *",
                "UNIX",
                PARIS,
                0,
                "SKIP",
                "d",
                Map.of("team", "x"),
                60,
                new RetrySpec(3, "FIXED", List.of(1000L), 0, 0, 0, List.of()),
                5000,
                1,
                2);
        RecurringDef back = RecurringDef.parse(def.toJson());
        assertThat(back.toJson()).isEqualTo(def.toJson());
        assertThat(back.zone()).isEqualTo(PARIS);
        assertThat(back.retry().maxAttempts()).isEqualTo(3);
        assertThat(back.scheduleKey()).isEqualTo(def.scheduleKey());
        assertThat(def.toJson()).doesNotContain("every_ms").doesNotContain("null");
        assertThat(def.envelope(1767225600000L).id()).isEqualTo("recurring:nightly:1767225600000");
        String payload = def.envelope(1767225600000L).toJson();
        // The id is the job hash's key, not part of the payload.
        assertThat(payload)
                .doesNotContain("\"id\"")
                .contains("\"recurring\":\"nightly\"")
                .contains("\"recurring_due\":\"2026-01-01T00:00:00Z\"")
                .contains("\"team\":\"x\"")
                .contains("\"desc\":\"d\"")
                .contains("\"timeout\":5000")
                .contains("\"ttl\":60");
        assertThat(Ticks.due(RecurringDef.jobId("a.b:c", 42))).isEqualTo(42);

        RecurringDef every =
                RecurringDef.parse("{\"v\":1,\"name\":\"n\",\"queue\":\"q\",\"fn\":\"h\",\"every_ms\":300}");
        assertThat(every.schedule()).isEqualTo(new IntervalSchedule(300));
        assertThat(every.misfire()).isEqualTo("RUN_ONCE");
        assertThatThrownBy(() -> RecurringDef.parse("{\"v\":1,\"name\":\"n\",\"queue\":\"q\",\"fn\":\"h\"}"))
                .hasMessageContaining("every_ms");
    }

    @Test
    void inlineModeKeepsDefinitionsUpdatesThemByNameAndDeletesThem() {
        try (Jrq jrq = Jrq.inline()) {
            Recurring r = jrq.recurring();
            RecurringInfo first = r.schedule(RecurringJob.builder("digest")
                    .every(Duration.ofMinutes(5))
                    .handler("send-digest", "weekly")
                    .build());
            assertThat(first.interval()).contains(Duration.ofMinutes(5));
            assertThat(first.nextDue()).isPresent();
            assertThat(first.queue()).isEqualTo("default");
            // Same schedule, other arguments: the next due time is kept; another schedule recomputes it.
            RecurringInfo same = r.schedule(RecurringJob.builder("digest")
                    .every(Duration.ofMinutes(5))
                    .handler("send-digest", "daily")
                    .build());
            assertThat(same.nextDue()).isEqualTo(first.nextDue());
            assertThat(same.createdAt()).isEqualTo(first.createdAt());
            RecurringInfo cron = r.schedule(RecurringJob.builder("digest")
                    .cron("0 3 * * *", PARIS)
                    .handler("send-digest")
                    .build());
            assertThat(cron.cron()).contains("0 3 * * *");
            assertThat(cron.cronSyntax()).contains(CronSyntax.UNIX);
            assertThat(cron.interval()).isEmpty();
            assertThat(at(cron.nextDue().orElseThrow().toEpochMilli(), PARIS).toLocalTime())
                    .hasToString("03:00");
            r.schedule(RecurringJob.builder("other")
                    .queue("q2")
                    .every(Duration.ofSeconds(1))
                    .call(Jobs::hello)
                    .build());
            assertThat(r.list()).extracting(RecurringInfo::name).containsExactly("digest", "other");
            assertThat(r.get("default", "digest")).isPresent();
            assertThat(r.get("q2", "digest")).isEmpty();
            assertThat(r.delete("default", "digest")).isTrue();
            assertThat(r.delete("default", "digest")).isFalse();
            assertThat(r.list()).extracting(RecurringInfo::name).containsExactly("other");
        }
    }
}
