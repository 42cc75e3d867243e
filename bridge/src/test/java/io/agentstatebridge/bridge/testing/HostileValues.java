package io.agentstatebridge.bridge.testing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;

/**
 * Values drawn to break every layer that turns characters into bytes and back: code points from
 * all of Unicode (4-byte characters, combining marks, right-to-left text, zero-width characters and
 * BOM, controls other than NUL, which PostgreSQL text cannot hold), the syntax of COPY's text format
 * and of JSON, strings long enough that a 4-byte character straddles every chunk boundary, JSON
 * deep, wide, with duplicate and odd keys, token_count in every shape, and timestamps at the edges
 * of what PostgreSQL stores. Deterministic for a given {@link Random}; not thread-safe.
 */
public final class HostileValues {
    /** Pieces that mean something to some layer on the way: COPY, JSON, SQL, UTF-16, Unicode. */
    static final List<String> NASTY = List.of(
            "🚀", "🤖", "😀", "💩", "𠀋", "𪚥", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝟘𝟙", "🇺🇳", "🇯🇵", "👨‍👩‍👧‍👦", "🏳️‍🌈", "👍🏽", "🧑🏿‍🚀",
            "e\u0301", "a\u0308\u0304", "\u0301", "Z\u0351\u0368\u0310", "한국어", "日本語", "ﷺ",
            "שלום", "مرحبا", "\u202Eevil\u202C", "\u200F", "\u200E", "\u061C",
            "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\uFFFD", "\uFFFF", "\uDBFF\uDFFF",
            "\u0001", "\u0007", "\b", "\u001B", "\u001F", "\u007F", "\u0080", "\u0085", "\u009F", "\u2028", "\u2029",
            "\\", "\\\\", "\\N", "\\\\N", "\\.", "\\.\n", "\t", "\n", "\r", "\r\n", "\\t", "\\n", "\\r", "\\x41", "\\101",
            "\"", "'", "''", "`", "\\\"", "\\u0041", "\\ud83d\\ude80", "\\u0000", "{", "}", "[", "]", ":", ",",
            "NULL", "null", "\\N\t\\N", "$$", "E'", "%s", "${x}", ";--", " ", "\u00A0", "\u2003", "\u3000");
    private static final List<String> EVENT_TYPES = List.of("session_started", "message_received", "tool_called",
            "tool_result", "decision_made", "error_occurred", "task_completed", "session_ended");
    /** Timestamps PostgreSQL accepts at and beyond the edges of what clients usually send. */
    static final List<String> EDGE_TIMESTAMPS = List.of("infinity", "-infinity", "12345-06-07 08:09:10.123456+00",
            "294276-12-31 23:59:59.999999+00", "0044-03-15 12:00:00+00 BC", "4713-01-01 00:00:00+00 BC",
            "0001-01-01 00:00:00+00", "1969-12-31 23:59:59.999999+00", "1970-01-01 00:00:00+00",
            "2000-02-29 12:00:00.000001+14", "2026-03-08 02:30:00 America/New_York", "2026-11-01 01:30:00 America/New_York",
            "1900-01-01 00:00:00+05:53:28", "2026-06-30 23:59:59.999999-12");
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final Random random;

    public HostileValues(Random random) {
        this.random = random;
    }

    public Random random() {
        return random;
    }

    /** Up to {@code maxPieces} pieces: random code points from any plane and nasty pieces. */
    public String text(int maxPieces) {
        StringBuilder text = new StringBuilder();
        for (int i = 0, pieces = random.nextInt(maxPieces + 1); i < pieces; i++) {
            text.append(piece());
        }
        return text.toString();
    }

    private String piece() {
        return switch (random.nextInt(6)) {
            case 0, 1 -> NASTY.get(random.nextInt(NASTY.size()));
            case 2 -> new String(Character.toChars(codePoint()));
            case 3 -> Character.toString('a' + random.nextInt(26));
            case 4 -> Integer.toString(random.nextInt(1000));
            default -> Character.toString(0x1F300 + random.nextInt(0x300)); // emoji blocks
        };
    }

    /** Any code point PostgreSQL text can hold: not NUL, not a surrogate; weighted towards the higher planes. */
    public int codePoint() {
        while (true) {
            int codePoint = switch (random.nextInt(5)) {
                case 0 -> 1 + random.nextInt(0x7F);
                case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
                case 2 -> 0x800 + random.nextInt(0x10000 - 0x800);
                default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
            };
            if (codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE) {
                return codePoint;
            }
        }
    }

    /** Random code points, hardly compressible: stored out of line once past about 2 KB compressed. */
    public String incompressible(int codePoints) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int codePoint = codePoint();
            text.appendCodePoint(codePoint == '"' || codePoint == '\\' || codePoint < 0x20 ? 'q' : codePoint);
        }
        return text.toString();
    }

    /**
     * A long ASCII-and-two-byte string with 4-byte characters placed so that, somewhere, one sits
     * across each boundary of 8 KB (in chars and in bytes) that a buffer may cut at.
     */
    public String aroundChunkBoundaries() {
        int length = (random.nextBoolean() ? 8_190 : 16_380) + random.nextInt(12);
        String filler = random.nextBoolean() ? "x" : "é";
        StringBuilder text = new StringBuilder(filler.repeat(length));
        for (int boundary : new int[] {16_384, 8_192, 4_096, 2_048}) {
            if (boundary + 3 < text.length()) {
                text.insert(boundary - 3 + random.nextInt(6), NASTY.get(random.nextInt(14)));
            }
        }
        return text.toString();
    }

    /** An identifier: hostile text made unique by a number somewhere in it. */
    public String id(String kind, long unique) {
        if (random.nextInt(20) == 0) {
            return text(3) + unique; // short, often a bare number
        }
        return switch (random.nextInt(3)) {
            case 0 -> kind + unique + text(4);
            case 1 -> text(4) + unique;
            default -> text(2) + "\\N" + unique + text(2);
        };
    }

    /** Mostly one of the types the projections count, otherwise anything (the write side rejects blank ones). */
    public String eventType() {
        return random.nextInt(3) > 0 ? EVENT_TYPES.get(random.nextInt(EVENT_TYPES.size())) : text(5);
    }

    /**
     * An event's created_at: a narrow window with ties and microseconds, sometimes an edge, never
     * infinite. session_summary's definition subtracts created_at values (MAX - MIN), which fails
     * on the source itself for an infinite one ("cannot subtract infinite timestamps" before
     * PostgreSQL 17, "interval out of range" when both are infinite, or when they lie more than
     * about 292,000 years apart), so no read side could equal it.
     */
    public String timestamp() {
        if (random.nextInt(12) == 0) {
            // Not the infinities (the first two), nor the last year of the type: MAX - MIN over a group
            // holding it and a BC date exceeds what an interval holds, on the source as anywhere.
            String edge = EDGE_TIMESTAMPS.get(2 + random.nextInt(EDGE_TIMESTAMPS.size() - 2));
            return edge.startsWith("294276") ? "200000-01-01 00:00:00+00" : edge;
        }
        return EPOCH.plus(random.nextInt(400) * 250_000L + random.nextInt(3), ChronoUnit.MICROS).toString();
    }

    /** A session's started_at: as {@link #timestamp()}, and any edge too, infinite ones included (no definition computes with it). */
    public String startedAt() {
        return random.nextInt(20) == 0 ? EDGE_TIMESTAMPS.get(random.nextInt(EDGE_TIMESTAMPS.size())) : timestamp();
    }

    /** A jsonb literal of every shape, sometimes large enough to be stored out of line; or null. */
    public String payload() {
        return switch (random.nextInt(12)) {
            case 0 -> null;
            case 1 -> "{\"token_count\": " + tokenCount() + ", \"text\": " + quote(incompressible(2_500 + random.nextInt(4_000))) + "}";
            case 2 -> "{\"token_count\": " + tokenCount() + ", \"text\": " + quote(aroundChunkBoundaries()) + "}";
            case 3 -> json(0);
            case 4 -> random.nextInt(8) == 0 ? "{\"bad\": \"\\u0000 or \\ud800\"}" : deep(50 + random.nextInt(400)); // jsonb rejects these
            case 5 -> "{\"k\": 1, \"k\": " + json(2) + ", " + quote(text(3)) + ": " + quote(text(3)) + ", \"token_count\": "
                    + tokenCount() + ", \"token_count\": " + tokenCount() + "}"; // duplicate keys: jsonb keeps the last
            default -> object(2);
        };
    }

    /** Session metadata: JSON, sometimes large. */
    public String metadata() {
        return random.nextInt(5) == 0 ? "{\"notes\": " + quote(incompressible(2_500 + random.nextInt(4_000))) + "}"
                : random.nextInt(4) == 0 ? null : object(2);
    }

    /** token_count as agents send it and as they should not: ints, strings, whitespace, floats, nesting. */
    public String tokenCount() {
        return switch (random.nextInt(22)) {
            case 0 -> "null";
            case 1 -> "\"" + random.nextInt(100) + "\"";
            case 2 -> "\" " + random.nextInt(100) + "\\t\"";
            case 3 -> "\"\\u2003 " + random.nextInt(100) + "\"";
            case 4 -> "\"\\u00a0" + random.nextInt(100) + "\"";
            case 5 -> "\"" + random.nextInt(100) + "\\u3000\"";
            case 6 -> "\"+" + random.nextInt(100) + "\"";
            case 7 -> "2147483648";
            case 8 -> "-2147483648";
            case 9 -> "99999999999";
            case 10 -> "1.5";
            case 11 -> "1e3";
            case 12 -> "true";
            case 13 -> "{\"n\": 1}";
            case 14 -> "[1]";
            case 15 -> "\"0x1F\"";
            case 16 -> "\"1_000\"";
            case 17 -> "\"\\n12\\r\"";
            case 18 -> "\"🚀\"";
            default -> Integer.toString(random.nextInt(5_000) - 100);
        };
    }

    private String object(int depth) {
        StringBuilder json = new StringBuilder("{");
        int fields = random.nextInt(5);
        if (random.nextBoolean()) {
            json.append("\"token_count\": ").append(tokenCount());
            fields--;
        }
        for (int i = 0; i < fields; i++) {
            if (json.length() > 1) {
                json.append(random.nextBoolean() ? "," : " ,\n\t");
            }
            json.append(quote(text(4))).append(':').append(json(depth + 1));
        }
        return json.append('}').toString();
    }

    private String json(int depth) {
        if (depth > 4) {
            return quote(text(6));
        }
        return switch (random.nextInt(9)) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> List.of("0", "-0", "1e400", "-1.5E-300", "123456789012345678901234567890.000000000000000000001",
                    "0.1", "2147483647").get(random.nextInt(7));
            case 3 -> "[" + json(depth + 1) + ", " + json(depth + 1) + "]";
            case 4 -> "[]";
            case 5 -> object(depth + 1);
            default -> quote(text(8));
        };
    }

    private String deep(int depth) {
        boolean arrays = random.nextBoolean();
        return (arrays ? "[" : "{\"d\":").repeat(depth) + quote(text(3)) + (arrays ? "]" : "}").repeat(depth);
    }

    /** A JSON string literal, escaping what JSON requires and, at random, more (\\u escapes, surrogate pairs, \\/). */
    public String quote(String value) {
        StringBuilder json = new StringBuilder("\"");
        value.codePoints().forEach(codePoint -> {
            switch (codePoint) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append(random.nextBoolean() ? "\\n" : "\\u000a");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '/' -> json.append(random.nextBoolean() ? "\\/" : "/");
                default -> {
                    if (codePoint < 0x20 || random.nextInt(10) == 0) {
                        for (char unit : Character.toChars(codePoint)) {
                            json.append(String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) unit));
                        }
                    } else {
                        json.appendCodePoint(codePoint);
                    }
                }
            }
        });
        return json.append('"').toString();
    }
}
