package io.agentstatebridge.projections.apply;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the SQL statements kept as versioned files in the sql module. */
public final class SqlResource {
    private static final String ROOT = "/io/agentstatebridge/sql/";

    private SqlResource() {
    }

    /** The text of {@code path}, relative to the sql module's resource root. */
    public static String load(String path) {
        try (InputStream in = SqlResource.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource " + ROOT + path + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
