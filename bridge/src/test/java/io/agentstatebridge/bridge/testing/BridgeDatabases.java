package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.verify.Verification;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** A fresh write side (migrated) and an empty read side, with names unique to one test. */
public final class BridgeDatabases {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final DatabaseUrl source;
    private final DatabaseUrl target;
    private final String name;

    public BridgeDatabases(String purpose) {
        this(purpose, DatabaseUrl.parse(PostgresFixture.get().createDatabase(purpose + "_source").jdbcUrl(), "source"));
    }

    /** A write side in {@code emptySource}, an empty database on another server; the read side as usual. */
    public BridgeDatabases(String purpose, DatabaseUrl emptySource) {
        this(purpose, emptySource, DatabaseUrl.parse(PostgresFixture.get().createDatabase(purpose + "_target").jdbcUrl(), "target"));
    }

    /** A write side in {@code emptySource} and the read side in {@code emptyTarget}, both on servers of the test's own. */
    public BridgeDatabases(String purpose, DatabaseUrl emptySource, DatabaseUrl emptyTarget) {
        source = emptySource;
        target = emptyTarget;
        name = (purpose + "_" + INSTANCES.incrementAndGet() + "_" + ProcessHandle.current().pid()).toLowerCase();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(source.jdbcUrl());
        SchemaMigrations.migrateWriteSide(dataSource);
    }

    public DatabaseUrl source() {
        return source;
    }

    public DatabaseUrl target() {
        return target;
    }

    /** Bridge, slot and publication all named after the test. */
    public BridgeSettings settings(int maxBatchSize) {
        return new BridgeSettings(source, target, name, name, name, maxBatchSize);
    }

    public String name() {
        return name;
    }

    public Connection openSource() throws SQLException {
        return DriverManager.getConnection(source.jdbcUrl());
    }

    public long count(DatabaseUrl database, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs the verification `verify` runs; returns its report when the read side differs. */
    public String verifyDifferences(Duration timeout) throws Exception {
        StringWriter report = new StringWriter();
        boolean equal = new Verification(source, target, name, timeout, new PrintWriter(report, true)).run();
        return equal ? null : report.toString();
    }
}
