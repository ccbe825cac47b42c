package io.jrq.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Formatting for people: counts with separators, times in the local zone, short durations. */
final class Text {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private Text() {}

    /**
     * @param n a count
     * @return it with thousands separators, e.g. 10,000
     */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * @param t a point in time
     * @param now the current time
     * @return the local date and time with how long ago (or ahead) it is, e.g. "2030-01-31 10:00:03 (5s ago)"
     */
    static String when(Instant t, Instant now) {
        String at = LOCAL.format(t.atZone(ZoneId.systemDefault()));
        Duration d = Duration.between(t, now);
        return at + " (" + (d.isNegative() ? "in " + ago(d.negated()) : ago(d) + " ago") + ")";
    }

    /**
     * @param d a non-negative duration
     * @return it shortened to its largest units, e.g. 3m12s, 1.2s, 250ms
     */
    static String ago(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 10_000) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        return Durations.format(Duration.ofSeconds(d.toSeconds() - (ms >= 3_600_000 ? d.toSeconds() % 60 : 0)));
    }

    /**
     * @param nanos elapsed time
     * @return it in ms below a second, in seconds below a minute ("1.23 s"), else "1h12m3s"
     */
    static String elapsed(long nanos) {
        double ms = nanos / 1e6;
        if (ms < 1000) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1000);
        }
        return Durations.format(Duration.ofSeconds(Math.round(ms / 1000)));
    }

    /**
     * @param n how many
     * @param nanos in how long
     * @return per second, e.g. "4,321"
     */
    static String rate(long n, long nanos) {
        return count(Math.round(n / Math.max(nanos / 1e9, 1e-9)));
    }

    /** @return now, truncated to milliseconds */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
