package io.agentstatebridge.kafkasink.position;

/**
 * How far a partition is applied: Kafka offset of the next record to apply, and the source sequence of
 * the last change applied (null before the first streamed change).
 */
public record AppliedPosition(long nextOffset, SourceSequence lastSequence) {
    public static final AppliedPosition NOTHING = new AppliedPosition(0, null);

    /** True when a record at {@code offset} carrying {@code sequence} (null if unknown) is already applied. */
    public boolean covers(long offset, SourceSequence sequence) {
        if (offset < nextOffset) {
            return true;
        }
        return sequence != null && lastSequence != null && sequence.isAtOrBefore(lastSequence);
    }
}
