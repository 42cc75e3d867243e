package io.agentstatebridge.projections.change;

import java.time.Instant;
import java.util.Objects;

/**
 * How far into the source's change stream a batch reaches.
 *
 * @param offset      the change source's own resume token, stored verbatim with the data it covers
 * @param lsn         the source WAL position, for people and lag arithmetic; 0 when unknown
 * @param committedAt when the source committed the change, if the change source knows
 */
public record SourcePosition(String offset, long lsn, Instant committedAt) {
    public SourcePosition {
        Objects.requireNonNull(offset, "offset");
    }
}
