package io.agentstatebridge.bridge.status;

import io.agentstatebridge.projections.apply.SqlResource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The read side's physical standbys and their replay lag, from the {@code agent_state_bridge.replica_lag}
 * view on the bridge's target connection, which is on their primary.
 */
final class ReadReplicas {
    private static final String QUERY = SqlResource.load("status/read_replicas.sql");

    private ReadReplicas() {
    }

    static List<ReadReplica> read(Connection target) throws SQLException {
        List<ReadReplica> replicas = new ArrayList<>();
        try (PreparedStatement query = target.prepareStatement(QUERY); ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                replicas.add(new ReadReplica(rs.getString(1), rs.getString(2), nullableDouble(rs, 3), nullableLong(rs, 4)));
            }
        }
        return List.copyOf(replicas);
    }

    private static Double nullableDouble(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
