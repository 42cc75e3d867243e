package io.agentstatebridge.bridge.status;

/**
 * The replication slot as the source reports it. A slot that stops advancing makes the source
 * keep WAL until its disk fills, so this is what protects the write side.
 *
 * @param exists           false when the slot is gone (dropped, or invalidated and removed)
 * @param retainedWalBytes WAL the source keeps for this slot: current WAL position minus the
 *                         position the bridge has confirmed
 * @param walStatus        reserved, extended, unreserved or lost (PostgreSQL 13+), else null
 * @param safeWalSizeBytes WAL that may still be written before the slot is at risk, if limited
 */
public record SlotHealth(boolean exists, boolean active, Long retainedWalBytes, String walStatus, Long safeWalSizeBytes) {
    public static final SlotHealth UNKNOWN = new SlotHealth(true, false, null, null, null);

    public boolean lost() {
        return !exists || "lost".equals(walStatus);
    }
}
