package io.agentstatebridge.bridge.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.agentstatebridge.projections.apply.SqlResource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Map;

/**
 * The bridge's row in {@code agent_state_bridge.status}: what `status` and any PostgreSQL client
 * read. It describes the bridge, not one instance, so only the active instance writes it (the
 * caller decides); the statement is {@code status/upsert_status.sql}.
 */
final class StatusTable {
    private static final String UPSERT = SqlResource.load("status/upsert_status.sql");

    private StatusTable() {
    }

    static void write(Connection connection, BridgeStatus s) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            upsert.setString(1, s.bridgeName());
            upsert.setString(2, s.state().name());
            setNullableDouble(upsert, 3, s.lagSeconds());
            upsert.setLong(4, s.eventsAppliedTotal());
            upsert.setDouble(5, s.eventsPerSecond());
            upsert.setLong(6, s.batchesAppliedTotal());
            upsert.setLong(7, s.rejectedRowsTotal());
            upsert.setString(8, s.slotName());
            if (s.slot() == SlotHealth.UNKNOWN) {
                upsert.setNull(9, Types.BOOLEAN);
            } else {
                upsert.setBoolean(9, s.slot().active());
            }
            setNullableLong(upsert, 10, s.slot().retainedWalBytes());
            upsert.setString(11, s.slot().walStatus());
            setNullableLong(upsert, 12, s.slot().safeWalSizeBytes());
            upsert.setString(13, s.snapshotProgress().isEmpty() ? null : snapshotJson(s.snapshotProgress()));
            upsert.setString(14, s.lastError());
            upsert.setTimestamp(15, Timestamp.from(s.startedAt()));
            upsert.setTimestamp(16, Timestamp.from(s.at()));
            upsert.setString(17, s.instance().instanceId());
            upsert.executeUpdate();
        }
    }

    private static String snapshotJson(Map<String, BridgeStatus.SnapshotProgress> progress) {
        try {
            return StatusJson.MAPPER.writeValueAsString(StatusJson.snapshotProgress(progress));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setNullableDouble(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }

    private static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }
}
