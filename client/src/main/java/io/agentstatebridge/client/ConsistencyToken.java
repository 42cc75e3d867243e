package io.agentstatebridge.client;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A position in the source's write-ahead log taken after a commit: once the read side has applied
 * up to it, everything committed before it, the writer's own events included, is visible there.
 * Its text form ({@link #toString()}) is a PostgreSQL {@code pg_lsn} such as {@code 0/1A2B3C8},
 * so it can travel to other processes and be passed to {@code agent_state_bridge.await_applied}.
 */
public record ConsistencyToken(String lsn) {
    private static final Pattern PG_LSN = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    public ConsistencyToken {
        Objects.requireNonNull(lsn, "lsn");
        if (!PG_LSN.matcher(lsn).matches()) {
            throw new IllegalArgumentException("not a consistency token (a pg_lsn such as 0/1A2B3C8): " + lsn);
        }
    }

    public static ConsistencyToken parse(String text) {
        return new ConsistencyToken(text.trim());
    }

    @Override
    public String toString() {
        return lsn;
    }
}
