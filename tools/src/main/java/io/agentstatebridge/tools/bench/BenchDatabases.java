package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The write side (migrated, empty) and read side (empty) one measurement works on, and the names
 * of the bridge, slot and publication it uses there.
 */
public record BenchDatabases(DatabaseUrl source, DatabaseUrl target) {
    /** Bridge name, replication slot and publication of the bridge under test. */
    public static final String BRIDGE = "bench_bridge";
    /** The slot PostgreSQL's own decoder drains, for the physical limit. */
    public static final String DECODER_SLOT = "bench_decoder";

    /** Batch size the bridge runs with: its default, the figures are for the bridge as shipped. */
    static final int MAX_BATCH_SIZE = 2048;

    public BridgeSettings bridgeSettings() {
        return new BridgeSettings(source, target, BRIDGE, BRIDGE, BRIDGE, MAX_BATCH_SIZE);
    }

    public Connection openSource() throws SQLException {
        return DriverManager.getConnection(source.jdbcUrl());
    }

    public Connection openTarget() throws SQLException {
        return DriverManager.getConnection(target.jdbcUrl());
    }

    public long sourceCount(String sql) throws SQLException {
        try (Connection connection = openSource()) {
            return count(connection, sql);
        }
    }

    public long targetCount(String sql) throws SQLException {
        try (Connection connection = openTarget()) {
            return count(connection, sql);
        }
    }

    static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
