package io.agentstatebridge.bridge.status;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shape of a {@link BridgeStatus}: the column names of the status and instances tables,
 * so the page, the API and SQL speak of the same figures by the same names.
 */
public final class StatusJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusJson() {
    }

    /** The latest status, with every instance of the bridge. */
    public static Map<String, Object> of(BridgeStatus s) {
        Map<String, Object> json = figures(s);
        json.put("instances", s.instances().stream().map(StatusJson::instance).toList());
        json.put("read_replicas", s.readReplicas().stream().map(StatusJson::readReplica).toList());
        return json;
    }

    /** Past figures of this instance; the instances and read replicas are only in the latest status. */
    public static List<Map<String, Object>> of(List<BridgeStatus> history) {
        return history.stream().map(StatusJson::figures).toList();
    }

    private static Map<String, Object> figures(BridgeStatus s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bridge_name", s.bridgeName());
        json.put("state", s.state().name());
        json.put("lag_seconds", s.lagSeconds());
        json.put("events_applied_total", s.eventsAppliedTotal());
        json.put("events_per_second", s.eventsPerSecond());
        json.put("batches_applied_total", s.batchesAppliedTotal());
        json.put("rejected_rows_total", s.rejectedRowsTotal());
        json.put("slot_name", s.slotName());
        json.put("slot_active", s.slot() == SlotHealth.UNKNOWN ? null : s.slot().active());
        json.put("slot_retained_wal_bytes", s.slot().retainedWalBytes());
        json.put("slot_wal_status", s.slot().walStatus());
        json.put("slot_safe_wal_size_bytes", s.slot().safeWalSizeBytes());
        json.put("snapshot_progress", snapshotProgress(s.snapshotProgress()));
        json.put("last_error", s.lastError());
        json.put("started_at", s.startedAt().toString());
        json.put("updated_at", s.at().toString());
        json.put("instance_id", s.instance().instanceId());
        json.put("role", s.role().label());
        json.put("host", s.instance().host());
        json.put("pid", s.instance().pid());
        return json;
    }

    private static Map<String, Object> instance(InstanceRow row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("instance_id", row.instanceId());
        json.put("role", row.role());
        json.put("state", row.state());
        json.put("host", row.host());
        json.put("pid", row.pid());
        json.put("started_at", row.startedAt().toString());
        json.put("updated_at", row.updatedAt().toString());
        json.put("silent_seconds", row.silentSeconds());
        json.put("stale", row.stale());
        return json;
    }

    /** The column names of the replica_lag view. */
    private static Map<String, Object> readReplica(ReadReplica replica) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("replica", replica.name());
        json.put("state", replica.state());
        json.put("replay_lag_seconds", replica.replayLagSeconds());
        json.put("replay_lag_bytes", replica.replayLagBytes());
        return json;
    }

    static Map<String, Object> snapshotProgress(Map<String, BridgeStatus.SnapshotProgress> progress) {
        Map<String, Object> json = new LinkedHashMap<>();
        progress.forEach((table, p) -> json.put(table, Map.of("rows_done", p.rowsDone(), "rows_estimated", p.rowsEstimated())));
        return json;
    }
}
