package io.agentstatebridge.projections.change;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * A {@code timestamptz} value as PostgreSQL holds it: microseconds since 2000-01-01 UTC (the whole
 * range, 4713 BC to 294276 AD, fits in a long only from that origin), with its infinities,
 * converted to and from the text forms the bridge meets: the ISO-8601 strings the connector sends
 * ("2026-01-01T10:00:00.5Z", "+12345-06-07T08:09:10Z", "-0043-03-15T12:00:00Z" for 44 BC,
 * "infinity") and PostgreSQL's own output in UTC with DateStyle ISO ("2026-01-01 10:00:00.5+00",
 * "0044-03-15 12:00:00+00 BC", "12345-06-07 08:09:10+00"). {@link #text} is the form the read side
 * is given: PostgreSQL reads it back exactly, whatever the session's TimeZone and DateStyle.
 *
 * <p>PostgreSQL counts years as the proleptic Gregorian calendar does, with no year 0 (1 BC is ISO
 * year 0), as {@code java.time} does; so no date is shifted by a calendar change.
 */
public record PgTimestamp(long micros) implements Comparable<PgTimestamp> {
    public static final PgTimestamp POSITIVE_INFINITY = new PgTimestamp(Long.MAX_VALUE);
    public static final PgTimestamp NEGATIVE_INFINITY = new PgTimestamp(Long.MIN_VALUE);
    /** 2000-01-01T00:00:00Z in seconds since 1970. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    /** Parses either text form (see the class comment); throws DateTimeParseException otherwise. */
    public static PgTimestamp parse(String text) {
        switch (text) {
            case "infinity" -> {
                return POSITIVE_INFINITY;
            }
            case "-infinity" -> {
                return NEGATIVE_INFINITY;
            }
            default -> { }
        }
        PgTimestamp plain = parsePlainUtc(text);
        if (plain != null) {
            return plain;
        }
        if (text.indexOf('T') > 0) {
            return of(OffsetDateTime.parse(text).toInstant());
        }
        return parsePostgres(text);
    }

    /**
     * The form nearly every value takes, read without a formatter: "YYYY-MM-DD?HH:MM:SS[.f...]"
     * followed by "Z" or "+00" (UTC), the separator ' ' or 'T'; null for anything else.
     */
    private static PgTimestamp parsePlainUtc(String text) {
        int length = text.length();
        int zone;
        if (text.endsWith("+00")) {
            zone = length - 3;
        } else if (text.endsWith("Z")) {
            zone = length - 1;
        } else {
            return null;
        }
        if (zone < 19 || text.charAt(4) != '-' || text.charAt(7) != '-' || (text.charAt(10) != ' ' && text.charAt(10) != 'T')
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int micros = 0;
        if (zone > 19) {
            if (text.charAt(19) != '.' || zone - 20 > 6 || zone == 20) {
                return null;
            }
            micros = digits(text, 20, zone);
            for (int i = zone - 20; i < 6; i++) {
                micros *= 10;
            }
        }
        if ((year | month | day | hour | minute | second | micros) < 0 || month < 1 || month > 12 || day < 1
                || day > 31 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        long epochDay;
        try {
            epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        } catch (java.time.DateTimeException e) {
            return null;
        }
        long seconds = epochDay * 86_400L + hour * 3_600L + minute * 60L + second - POSTGRES_EPOCH_SECONDS;
        return new PgTimestamp(seconds * 1_000_000L + micros);
    }

    /** The decimal number in text[from, to), or -1 if a character there is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /**
     * PostgreSQL's input form for an ISO-8601 UTC instant as the connector writes it: the common
     * shape is rewritten without parsing ("2026-01-01T10:00:00.5Z" becomes "2026-01-01 10:00:00.5+00");
     * anything else (BC, five-digit years, infinities) goes through {@link #parse}.
     */
    public static String postgresText(String iso) {
        int length = iso.length();
        if (length >= 20 && iso.charAt(length - 1) == 'Z' && iso.charAt(4) == '-' && iso.charAt(10) == 'T'
                && Character.isDigit(iso.charAt(0)) && !iso.startsWith("0000")) { // ISO year 0 is 1 BC
            return iso.substring(0, 10) + ' ' + iso.substring(11, length - 1) + "+00";
        }
        return parse(iso).text();
    }

    /** As {@link #parse}, or null when {@code text} is null or not a timestamp in either form. */
    public static PgTimestamp parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        try {
            return parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    public static PgTimestamp of(Instant instant) {
        long seconds = instant.getEpochSecond() - POSTGRES_EPOCH_SECONDS;
        return new PgTimestamp(Math.addExact(Math.multiplyExact(seconds, 1_000_000L), instant.getNano() / 1_000));
    }

    public boolean isInfinite() {
        return micros == Long.MAX_VALUE || micros == Long.MIN_VALUE;
    }

    /** PostgreSQL's input form, in UTC: "2026-01-01 10:00:00.5+00", with " BC" for years before 1. */
    public String text() {
        if (micros == Long.MAX_VALUE) {
            return "infinity";
        }
        if (micros == Long.MIN_VALUE) {
            return "-infinity";
        }
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L) + POSTGRES_EPOCH_SECONDS,
                (int) Math.floorMod(micros, 1_000_000L) * 1_000, ZoneOffset.UTC);
        int year = time.getYear();
        boolean beforeCommonEra = year <= 0;
        StringBuilder text = new StringBuilder(40);
        String yearText = Integer.toString(beforeCommonEra ? 1 - year : year);
        text.append("0".repeat(Math.max(0, 4 - yearText.length()))).append(yearText);
        text.append('-').append(two(time.getMonthValue())).append('-').append(two(time.getDayOfMonth()))
                .append(' ').append(two(time.getHour())).append(':').append(two(time.getMinute()))
                .append(':').append(two(time.getSecond()));
        int fraction = time.getNano() / 1_000;
        if (fraction != 0) {
            String digits = Integer.toString(fraction + 1_000_000).substring(1);
            text.append('.').append(digits.replaceAll("0+$", ""));
        }
        text.append("+00");
        if (beforeCommonEra) {
            text.append(" BC");
        }
        return text.toString();
    }

    @Override
    public int compareTo(PgTimestamp other) {
        return Long.compare(micros, other.micros);
    }

    @Override
    public String toString() {
        return text();
    }

    private static String two(int value) {
        return value < 10 ? "0" + value : Integer.toString(value);
    }

    /** "[Y]YYYY-MM-DD HH:MM:SS[.ffffff]+00[:MM[:SS]][ BC]", as PostgreSQL prints in DateStyle ISO. */
    private static PgTimestamp parsePostgres(String text) {
        String body = text;
        boolean beforeCommonEra = body.endsWith(" BC");
        if (beforeCommonEra) {
            body = body.substring(0, body.length() - 3);
        }
        int dateEnd = body.indexOf(' ');
        int offsetStart = Math.max(body.lastIndexOf('+'), body.lastIndexOf('-'));
        if (dateEnd < 0 || offsetStart < dateEnd) {
            throw new DateTimeParseException("not a PostgreSQL timestamp with time zone", text, 0);
        }
        String[] date = body.substring(0, dateEnd).split("-");
        if (date.length != 3) {
            throw new DateTimeParseException("not a PostgreSQL timestamp with time zone", text, 0);
        }
        int yearOfEra = Integer.parseInt(date[0]);
        int year = beforeCommonEra ? 1 - yearOfEra : yearOfEra;
        String time = body.substring(dateEnd + 1, offsetStart);
        String[] hms = time.split(":");
        if (hms.length != 3) {
            throw new DateTimeParseException("not a PostgreSQL timestamp with time zone", text, 0);
        }
        int dot = hms[2].indexOf('.');
        int seconds = Integer.parseInt(dot < 0 ? hms[2] : hms[2].substring(0, dot));
        int nanos = 0;
        if (dot >= 0) {
            String fraction = (hms[2].substring(dot + 1) + "000000000").substring(0, 9);
            nanos = Integer.parseInt(fraction);
        }
        LocalDateTime local = LocalDateTime.of(year, Integer.parseInt(date[1]), Integer.parseInt(date[2]),
                Integer.parseInt(hms[0]), Integer.parseInt(hms[1]), seconds).with(ChronoField.NANO_OF_SECOND, nanos);
        ZoneOffset offset = ZoneOffset.of(normalisedOffset(body.substring(offsetStart)));
        return of(local.toInstant(offset));
    }

    /** "+05", "+05:30", "-04:56:02" as java.time reads offsets. */
    private static String normalisedOffset(String offset) {
        return offset.length() == 3 ? offset + ":00" : offset;
    }
}
