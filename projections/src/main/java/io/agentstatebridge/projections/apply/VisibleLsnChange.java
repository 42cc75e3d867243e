package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.ChangeBatch;

/**
 * What a batch does to the position readers may wait for (source_position.visible_lsn): the
 * read side is complete up to a batch's position unless that batch is part of a snapshot still
 * being loaded. A snapshot's first batch empties the read side, so the position is withdrawn
 * until the snapshot's last batch lands.
 */
enum VisibleLsnChange {
    ADVANCE, RESET, KEEP;

    static VisibleLsnChange of(ChangeBatch.SnapshotPart part) {
        return switch (part) {
            case NONE, END, WHOLE -> ADVANCE;
            case START -> RESET;
            case MIDDLE -> KEEP;
        };
    }

    String sqlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
