package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.DatabaseUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The write side (migrated) and read side one bridge under test works on, where they live, and the
 * name the bridge runs under there: its name, replication slot and publication all carry it.
 */
public record BenchDatabases(Layout layout, DatabaseUrl source, DatabaseUrl target, String bridge) {
    /** Name, slot and publication of the bridge under test. */
    public static final String BRIDGE = "bench_bridge";
    /** Prefix of every slot the bench creates; the cleanup drops only those. */
    static final String SLOT_PREFIX = "bench_";

    /** The same write side read by another bridge into another read side, where {@code otherLayout} puts it. */
    BenchDatabases withTarget(Layout otherLayout, DatabaseUrl otherTarget, String otherBridge) {
        return new BenchDatabases(otherLayout, source, otherTarget, otherBridge);
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
