package io.agentstatebridge.projections.change;

/** What happened to a source row. */
public enum Operation {
    INSERT,
    UPDATE,
    DELETE,
    /** Every row of the table removed at once; carries neither before nor after. */
    TRUNCATE
}
