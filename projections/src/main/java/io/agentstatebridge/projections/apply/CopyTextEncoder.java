package io.agentstatebridge.projections.apply;

import java.util.Arrays;

/**
 * Rows in COPY's text format, encoded straight to UTF-8 bytes. The bytes are produced here, from
 * whole strings, rather than by the driver's character-stream COPY, which encodes in fixed-size
 * chunks of UTF-16 units and turns a character outside the Basic Multilingual Plane whose two
 * units straddle a chunk boundary into "??". Not thread-safe; reuse it for one COPY at a time.
 */
final class CopyTextEncoder {
    private byte[] bytes;
    private int length;

    CopyTextEncoder(int expectedBytes) {
        bytes = new byte[Math.max(expectedBytes, 256)];
    }

    /** A field: {@code \N} for NULL, else the value with COPY's escapes for backslash, tab, line breaks. */
    CopyTextEncoder field(String value, boolean first) {
        if (!first) {
            put((byte) '\t');
        }
        if (value == null) {
            put((byte) '\\');
            put((byte) 'N');
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> escaped('\\');
                    case '\t' -> escaped('t');
                    case '\n' -> escaped('n');
                    case '\r' -> escaped('r');
                    default -> put((byte) c);
                }
            } else if (c < 0x800) {
                put((byte) (0xC0 | (c >> 6)));
                put((byte) (0x80 | (c & 0x3F)));
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                put((byte) (0xF0 | (codePoint >> 18)));
                put((byte) (0x80 | ((codePoint >> 12) & 0x3F)));
                put((byte) (0x80 | ((codePoint >> 6) & 0x3F)));
                put((byte) (0x80 | (codePoint & 0x3F)));
            } else if (Character.isSurrogate(c)) {
                // Text that came from PostgreSQL is valid UTF-8 and has no lone surrogates.
                throw new IllegalArgumentException("a lone UTF-16 surrogate at index " + i + " cannot be written to PostgreSQL");
            } else {
                put((byte) (0xE0 | (c >> 12)));
                put((byte) (0x80 | ((c >> 6) & 0x3F)));
                put((byte) (0x80 | (c & 0x3F)));
            }
        }
        return this;
    }

    CopyTextEncoder endRow() {
        put((byte) '\n');
        return this;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    private void escaped(char c) {
        put((byte) '\\');
        put((byte) c);
    }

    private void put(byte b) {
        if (length == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        bytes[length++] = b;
    }
}
