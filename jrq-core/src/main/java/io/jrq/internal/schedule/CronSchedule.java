package io.jrq.internal.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.field.expression.Always;
import com.cronutils.model.field.expression.FieldExpression;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.Map;
import java.util.Optional;

/**
 * A cron expression read by cron-utils, evaluated on the wall clock of a time zone.
 *
 * <p>cron-utils finds the next matching wall-clock time on a clock without daylight saving time
 * (UTC); this class maps it into the zone, which settles the two days a year that a zone's clock
 * jumps:
 * <ul>
 *   <li>Clocks go forward: a wall-clock time that does not exist that day fires the length of the
 *       gap later ({@code 02:30} becomes {@code 03:30} in Europe/Paris on the last Sunday of March),
 *       the way {@link ZonedDateTime#of} resolves it. It is not skipped.</li>
 *   <li>Clocks go back: a wall-clock time that occurs twice fires once, at its first occurrence.
 *       Expressions whose hour field is {@code *} follow elapsed time instead and fire in both
 *       passes of the repeated hour, so an every-15-minutes job does not pause for an hour.</li>
 * </ul>
 * cron-utils' own zoned calculation skips gap times and treats repeated times inconsistently,
 * which is why it is not used directly.
 */
public final class CronSchedule implements Schedule {
    private static final Map<String, String> FIELDS = Map.of(
            "UNIX", "5 fields: minute hour day-of-month month day-of-week",
            "SPRING", "6 fields: second minute hour day-of-month month day-of-week",
            "QUARTZ",
                    "6 or 7 fields: second minute hour day-of-month month day-of-week [year], with ? in one day field");
    /** One parser per syntax name stored in a definition; cron-utils' parsers are thread-safe. */
    private static final Map<String, CronParser> PARSERS = Map.of(
            "UNIX", new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX)),
            "SPRING", new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53)),
            "QUARTZ", new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ)));
    /** Bounds the search for a time that maps past a given instant; a handful of steps suffice. */
    private static final int MAX_STEPS = 1000;

    private final String expression;
    private final String syntax;
    private final ZoneId zone;
    private final ExecutionTime execution;
    private final boolean everyHour;
    private final boolean seconds;

    private CronSchedule(String expression, String syntax, ZoneId zone, Cron cron) {
        this.expression = expression;
        this.syntax = syntax;
        this.zone = zone;
        this.execution = ExecutionTime.forCron(cron);
        FieldExpression hour = cron.retrieve(CronFieldName.HOUR).getExpression();
        String h = hour.asString();
        this.everyHour = hour instanceof Always || "*".equals(h) || "0-23".equals(h);
        this.seconds = !"UNIX".equals(syntax);
    }

    /**
     * @param expression the cron expression
     * @param syntax UNIX, SPRING or QUARTZ
     * @param zone the zone whose wall clock the expression reads
     * @return the schedule
     * @throws IllegalArgumentException quoting the expression and saying what is wrong with it
     */
    public static CronSchedule parse(String expression, String syntax, ZoneId zone) {
        CronParser parser = PARSERS.get(syntax);
        if (parser == null) {
            throw new IllegalArgumentException("unknown cron syntax '" + syntax + "', expected UNIX, SPRING or QUARTZ");
        }
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException(
                    "cron expression must not be empty (" + syntax + " syntax: " + FIELDS.get(syntax) + ")");
        }
        Cron cron;
        try {
            cron = parser.parse(expression.trim());
            cron.validate();
        } catch (RuntimeException e) {
            String hint = "UNIX".equals(syntax) && expression.trim().split("\\s+").length >= 6
                    ? "; for an expression with seconds use CronSyntax.SPRING or CronSyntax.QUARTZ"
                    : "";
            throw new IllegalArgumentException(
                    "invalid cron expression '" + expression + "' (" + syntax + " syntax, " + FIELDS.get(syntax) + "): "
                            + e.getMessage() + hint,
                    e);
        }
        return new CronSchedule(expression.trim(), syntax, zone, cron);
    }

    /** @return the expression as given (trimmed) */
    public String expression() {
        return expression;
    }

    /** @return UNIX, SPRING or QUARTZ */
    public String syntax() {
        return syntax;
    }

    /** @return the zone whose wall clock the expression reads */
    public ZoneId zone() {
        return zone;
    }

    @Override
    public long first(long now) {
        return nextAfter(now, now);
    }

    @Override
    public long nextAfter(long anchor, long afterMs) {
        Instant after = Instant.ofEpochMilli(afterMs);
        ZonedDateTime next = wallClockNext(after);
        if (everyHour) {
            ZonedDateTime repeated = inRepeatedHour(after, next);
            if (repeated != null && (next == null || repeated.isBefore(next))) {
                next = repeated;
            }
        }
        return next == null ? NEVER : next.toInstant().toEpochMilli();
    }

    /** The first time after {@code after} whose wall-clock reading matches, repeated readings counted once. */
    private ZonedDateTime wallClockNext(Instant after) {
        LocalDateTime from = truncate(after.atZone(zone).toLocalDateTime());
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<LocalDateTime> match = nextLocal(from);
            if (match.isEmpty()) {
                return null;
            }
            LocalDateTime local = match.get();
            ZonedDateTime z = ZonedDateTime.of(local, zone); // a gap shifts forward; an overlap takes the first pass
            if (z.toInstant().isAfter(after)) {
                return z;
            }
            // `after` lies in the second pass of a repeated hour: this reading's second occurrence may still come.
            ZonedDateTime later = z.withLaterOffsetAtOverlap();
            if (later.toInstant().isAfter(after)) {
                return later;
            }
            from = local;
        }
        return null;
    }

    /**
     * For every-hour expressions: the first matching time in the second pass of a repeated hour that
     * begins after {@code after} and before {@code limit}, or null.
     */
    private ZonedDateTime inRepeatedHour(Instant after, ZonedDateTime limit) {
        ZoneOffsetTransition t = zone.getRules().nextTransition(after);
        if (t == null || !t.isOverlap() || (limit != null && !t.getInstant().isBefore(limit.toInstant()))) {
            return null;
        }
        // Readings from getDateTimeAfter() (e.g. 02:00) to getDateTimeBefore() (03:00) come again after the transition.
        Optional<LocalDateTime> match = nextLocal(t.getDateTimeAfter().minusNanos(1));
        if (match.isEmpty() || !match.get().isBefore(t.getDateTimeBefore())) {
            return null;
        }
        ZonedDateTime z = ZonedDateTime.ofLocal(match.get(), zone, t.getOffsetAfter());
        return z.toInstant().isAfter(after) ? z : null;
    }

    /** The first matching wall-clock time strictly after {@code local}, on a clock without DST. */
    private Optional<LocalDateTime> nextLocal(LocalDateTime local) {
        // cron-utils carries sub-second parts of its input over to the result; matches are on whole
        // seconds (minutes for UNIX), so start from the truncated time: the next match is still after `local`.
        return execution
                .nextExecution(truncate(local).atZone(ZoneOffset.UTC))
                .map(ZonedDateTime::toLocalDateTime)
                .filter(l -> l.isAfter(local));
    }

    private LocalDateTime truncate(LocalDateTime t) {
        return t.truncatedTo(seconds ? ChronoUnit.SECONDS : ChronoUnit.MINUTES);
    }

    @Override
    public String toString() {
        return "cron '" + expression + "' (" + syntax + ") in " + zone;
    }
}
