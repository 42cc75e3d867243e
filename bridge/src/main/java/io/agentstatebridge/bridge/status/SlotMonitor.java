package io.agentstatebridge.bridge.status;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.apply.SqlResource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Reads the replication slot's health and the tables' size estimates from the source, on one connection kept open. */
final class SlotMonitor implements AutoCloseable {
    private static final String ESTIMATES_QUERY = SqlResource.load("status/source_row_estimates.sql");
    private static final String QUERY = SqlResource.load("status/slot_health.sql");

    private final DatabaseUrl source;
    private final String slot;
    private Connection connection;

    SlotMonitor(DatabaseUrl source, String slot) {
        this.source = source;
        this.slot = slot;
    }

    SlotHealth read() throws SQLException {
        try (PreparedStatement query = connection().prepareStatement(QUERY)) {
            query.setString(1, slot);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return new SlotHealth(false, false, null, null, null);
                }
                return new SlotHealth(true, rs.getBoolean(1), nullableLong(rs, 2), rs.getString(3), nullableLong(rs, 4));
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    /** The planner's row estimates of the source tables: the denominators of snapshot progress. */
    Map<String, Long> estimatedRows() throws SQLException {
        Map<String, Long> estimates = new LinkedHashMap<>();
        try (PreparedStatement query = connection().prepareStatement(ESTIMATES_QUERY); ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                estimates.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
        return estimates;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            Properties properties = new Properties();
            properties.setProperty("ApplicationName", "agent-state-bridge-monitor");
            properties.setProperty("connectTimeout", "5");
            connection = DriverManager.getConnection(source.jdbcUrl(), properties);
        }
        return connection;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    @Override
    public void close() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // closing a broken monitoring connection; the next read opens a new one
        }
        connection = null;
    }
}
