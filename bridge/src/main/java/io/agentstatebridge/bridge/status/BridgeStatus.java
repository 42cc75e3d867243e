package io.agentstatebridge.bridge.status;

import java.time.Instant;
import java.util.Map;

/**
 * Everything operators see about one bridge at one moment. The status table, /metrics, the
 * health probes, the status page and `status` all show this same record.
 *
 * @param state            STARTING, STANDBY, SNAPSHOTTING, STREAMING, PAUSED (read side unreachable),
 *                         RECONNECTING (source unreachable), STOPPING, STOPPED, FAILED
 * @param lagSeconds       now minus the newest source commit the read side reflects; null before any
 * @param snapshotProgress per table, rows done and estimated total, while a snapshot runs
 */
public record BridgeStatus(String bridgeName, String state, Double lagSeconds, long eventsAppliedTotal,
                           double eventsPerSecond, long batchesAppliedTotal, long rejectedRowsTotal,
                           String slotName, SlotHealth slot, Map<String, SnapshotProgress> snapshotProgress,
                           String lastError, Instant startedAt, Instant at) {

    /** Snapshot progress of one table. */
    public record SnapshotProgress(long rowsDone, long rowsEstimated) {
    }
}
