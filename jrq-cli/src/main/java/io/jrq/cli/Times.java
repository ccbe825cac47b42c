package io.jrq.cli;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a point in time: an ISO-8601 instant ({@code 2030-01-31T09:00:00Z}), a date-time with an
 * offset ({@code 2030-01-31T10:00+01:00}), also with its zone
 * ({@code 2030-01-31T10:00+01:00[Europe/Paris]}), or a local
 * date-time ({@code 2030-01-31T10:00} or {@code "2030-01-31 10:00"}) in the system's time zone.
 */
final class Times implements ITypeConverter<Instant> {
    private final ZoneId zone;

    /** Local date-times are read in the system's time zone. */
    Times() {
        this(ZoneId.systemDefault());
    }

    /** @param zone the zone of local date-times */
    Times(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public Instant convert(String value) {
        String s = value == null ? "" : value.strip().replace(' ', 'T');
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException notAnInstant) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException notOffset) {
            // try the next form
        }
        try {
            return ZonedDateTime.parse(s).toInstant();
        } catch (DateTimeParseException notZoned) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(s).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a time; use ISO-8601, for example 2030-01-31T09:00:00Z,"
                            + " 2030-01-31T10:00+01:00 or 2030-01-31T10:00 (local time, " + zone + ")");
        }
    }
}
