package io.jrq.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as people type them: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d},
 * combinations such as {@code 1h30m}, decimals such as {@code 1.5s}, or ISO-8601 ({@code PT5S}).
 */
final class Durations implements ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /**
     * @param text the duration text
     * @return the duration, zero or more
     * @throws TypeConversionException saying which forms are accepted
     */
    static Duration parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            try {
                Duration d = Duration.parse(s.toUpperCase(Locale.ROOT));
                if (d.isNegative()) {
                    throw new TypeConversionException("'" + text + "' is negative");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw bad(text);
            }
        }
        if (!WHOLE.matcher(s).matches()) {
            throw bad(text);
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(s);
        while (m.find()) {
            double n = Double.parseDouble(m.group(1));
            double millisPerUnit = switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
            };
            double ms = n * millisPerUnit;
            if (ms > 1e15) {
                throw new TypeConversionException("'" + text + "' is too long");
            }
            total = total.plusMillis(Math.round(ms));
        }
        return total;
    }

    private static TypeConversionException bad(String text) {
        return new TypeConversionException(
                "'" + text + "' is not a duration; use for example 500ms, 5s, 2m, 1h, 1h30m or PT5S");
    }

    /**
     * @param d a duration
     * @return the duration written the way {@link #parse} reads it, e.g. {@code 1m30s}, {@code 250ms}
     */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long[] units = {86_400_000, 3_600_000, 60_000, 1_000, 1};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i]) {
                b.append(ms / units[i]).append(names[i]);
                ms %= units[i];
            }
        }
        return b.toString();
    }
}
