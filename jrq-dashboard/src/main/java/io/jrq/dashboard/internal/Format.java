package io.jrq.dashboard.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** How times, ages and counts read on the pages: UTC, to the second. */
final class Format {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Format() {}

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    static String time(Optional<Instant> t) {
        return t.map(Format::time).orElse("");
    }

    /** @return a duration as "3d 4h", "2h 5m", "4m 10s", "12s" or "850 ms" */
    static String age(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }

    static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    static String rate(double perSecond) {
        return perSecond == 0
                ? "0"
                : perSecond < 10
                        ? String.format(java.util.Locale.ROOT, "%.2f", perSecond)
                        : String.format(java.util.Locale.ROOT, "%,.0f", perSecond);
    }
}
