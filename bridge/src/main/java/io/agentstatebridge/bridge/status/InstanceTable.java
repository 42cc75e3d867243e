package io.agentstatebridge.bridge.status;

import io.agentstatebridge.projections.apply.SqlResource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * This instance's row in {@code agent_state_bridge.instances}, and the rows of the other instances
 * of the same bridge. Every instance writes only its own row, on its own read-side connection:
 * a standby never touches the active instance's row, nor its lock.
 */
final class InstanceTable {
    private static final String UPSERT = SqlResource.load("status/upsert_instance.sql");
    private static final String LIST = SqlResource.load("status/list_instances.sql");
    private static final String PRUNE = SqlResource.load("status/prune_instances.sql");

    private InstanceTable() {
    }

    static void write(Connection connection, BridgeStatus s) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            upsert.setString(1, s.bridgeName());
            upsert.setString(2, s.instance().instanceId());
            upsert.setString(3, s.role().label());
            upsert.setString(4, s.state().name());
            upsert.setString(5, s.instance().host());
            upsert.setLong(6, s.instance().pid());
            upsert.setTimestamp(7, Timestamp.from(s.startedAt()));
            upsert.setTimestamp(8, Timestamp.from(s.at()));
            upsert.executeUpdate();
        }
    }

    /** Every instance of the bridge the read side knows, live ones first. */
    static List<InstanceRow> list(Connection connection, String bridgeName) throws SQLException {
        List<InstanceRow> rows = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(LIST)) {
            query.setString(1, bridgeName);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.add(new InstanceRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                            rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant(), rs.getDouble(8), rs.getBoolean(9)));
                }
            }
        }
        return List.copyOf(rows);
    }

    static void prune(Connection connection, String bridgeName) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(PRUNE)) {
            delete.setString(1, bridgeName);
            delete.executeUpdate();
        }
    }
}
