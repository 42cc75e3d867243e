package io.agentstatebridge.bridge.status;

import io.agentstatebridge.bridge.lifecycle.BridgeState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything operators see about one bridge at one moment, as one instance reports it. The status
 * table, /metrics, the health probes, the status page and `status` all show this same record.
 *
 * @param state            the instance's lifecycle state when the figures were gathered
 * @param lagSeconds       now minus the newest source commit the read side reflects; null before any
 * @param snapshotProgress per table, rows done and estimated total, while a snapshot runs
 * @param instance         the process reporting
 * @param role             whether that process holds the leader lock (active) or waits (standby)
 * @param instances        every instance of this bridge the read side knows, this one included
 * @param readReplicas     the physical standbys of the read database streaming from the server the bridge writes to
 */
public record BridgeStatus(String bridgeName, BridgeState state, Double lagSeconds, long eventsAppliedTotal,
                           double eventsPerSecond, long batchesAppliedTotal, long rejectedRowsTotal,
                           String slotName, SlotHealth slot, Map<String, SnapshotProgress> snapshotProgress,
                           String lastError, Instant startedAt, Instant at,
                           BridgeInstance instance, InstanceRole role, List<InstanceRow> instances,
                           List<ReadReplica> readReplicas) {

    public BridgeStatus {
        instances = List.copyOf(instances);
        readReplicas = List.copyOf(readReplicas);
    }

    /** The same figures with the instances read back from the read side. */
    public BridgeStatus withInstances(List<InstanceRow> known) {
        return new BridgeStatus(bridgeName, state, lagSeconds, eventsAppliedTotal, eventsPerSecond, batchesAppliedTotal,
                rejectedRowsTotal, slotName, slot, snapshotProgress, lastError, startedAt, at, instance, role, known,
                readReplicas);
    }

    /** The same figures with the read side's standbys as their primary reports them. */
    public BridgeStatus withReadReplicas(List<ReadReplica> streaming) {
        return new BridgeStatus(bridgeName, state, lagSeconds, eventsAppliedTotal, eventsPerSecond, batchesAppliedTotal,
                rejectedRowsTotal, slotName, slot, snapshotProgress, lastError, startedAt, at, instance, role, instances,
                streaming);
    }

    /** Instances in {@code role} reporting within the last 15 s and not stopped, this one included. */
    public long liveInstances(InstanceRole role) {
        return instances.stream().filter(i -> i.live() && role.label().equals(i.role())).count();
    }

    /** Snapshot progress of one table. */
    public record SnapshotProgress(long rowsDone, long rowsEstimated) {
    }
}
