package io.agentstatebridge.projections.change;

/** What happened to a source row. */
public enum Operation {
    /** A row as it existed when the source was snapshotted; applied like an upsert. */
    SNAPSHOT_READ,
    INSERT,
    UPDATE,
    DELETE,
    /** Every row of the table removed at once; carries neither before nor after. */
    TRUNCATE
}
