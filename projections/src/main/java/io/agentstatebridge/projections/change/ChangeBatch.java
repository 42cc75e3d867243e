package io.agentstatebridge.projections.change;

import java.util.List;
import java.util.Objects;

/**
 * Changes applied to the read side in one transaction, in source order, together with the
 * position they reach, and the batch's place in a snapshot of the source, if it belongs to one.
 */
public record ChangeBatch(List<RowChange> changes, SourcePosition position, SnapshotPart snapshotPart) {
    public ChangeBatch {
        changes = List.copyOf(changes);
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(snapshotPart, "snapshotPart");
    }

    public ChangeBatch(List<RowChange> changes, SourcePosition position) {
        this(changes, position, SnapshotPart.NONE);
    }

    /**
     * Where a batch sits in a snapshot. A snapshot describes the whole source by itself, so the
     * read side is emptied when one starts. While it runs, rows arrive table by table (events
     * possibly before their sessions), so agent_current_state is rebuilt once when it ends instead
     * of being maintained row by row.
     */
    public enum SnapshotPart {
        /** Streamed changes, no snapshot involved. */
        NONE,
        /** The first batch of a snapshot that continues in later batches. */
        START,
        /** Neither first nor last. */
        MIDDLE,
        /** The last batch of a snapshot. */
        END,
        /** A snapshot small enough to fit one batch. */
        WHOLE;

        public boolean startsSnapshot() {
            return this == START || this == WHOLE;
        }

        public boolean endsSnapshot() {
            return this == END || this == WHOLE;
        }

        public boolean insideSnapshot() {
            return this == START || this == MIDDLE;
        }

        public static SnapshotPart of(boolean snapshotRows, boolean first, boolean last) {
            if (!snapshotRows && !last) {
                return NONE;
            }
            if (first) {
                return last ? WHOLE : START;
            }
            return last ? END : MIDDLE;
        }
    }
}
