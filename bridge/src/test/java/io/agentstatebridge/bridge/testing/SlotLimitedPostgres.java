package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL server of its own (the shared fixture's slots may retain WAL without limit) whose
 * replication slots may hold back at most 1 MB of WAL: a slot that falls a WAL segment behind is
 * invalidated (wal_status 'lost', invalidation_reason 'wal_removed') at the next checkpoint.
 * The limit is in MB and 1 is the smallest; with the default 16 MB segments it keeps no older segment.
 * It listens on loopback only (PostgreSQL's default listen_addresses), on a free port.
 */
public final class SlotLimitedPostgres implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private SlotLimitedPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static SlotLimitedPostgres start() throws IOException {
        return new SlotLimitedPostgres(EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_slot_wal_keep_size", "1MB")
                .setServerConfig("max_replication_slots", "8")
                .setServerConfig("max_wal_senders", "8")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .start());
    }

    /** A new database; {@code writeSide} ones get the agent event tables. */
    public DatabaseUrl createDatabase(String name, boolean writeSide) throws SQLException {
        execute("postgres", "CREATE DATABASE " + name);
        DatabaseUrl url = DatabaseUrl.parse(jdbcUrl(name), name);
        if (writeSide) {
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(url.jdbcUrl());
            SchemaMigrations.migrateWriteSide(dataSource);
        }
        return url;
    }

    /**
     * Writes WAL in {@code database}, away from the bridge's tables, and checkpoints until
     * {@code slot} is invalidated for having retained too much.
     */
    public void invalidateSlot(String database, String slot) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(database)); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS wal_filler (id BIGINT, padding TEXT)");
            for (int round = 1; round <= 20; round++) {
                statement.execute("INSERT INTO wal_filler SELECT i, repeat('x', 200) FROM generate_series(1, 20000) i");
                statement.execute("SELECT pg_switch_wal()");
                statement.execute("INSERT INTO wal_filler VALUES (0, 'after the switch')");
                statement.execute("CHECKPOINT");
                try (ResultSet rs = statement.executeQuery("SELECT wal_status FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no replication slot '" + slot + "' to invalidate");
                    }
                    if ("lost".equals(rs.getString(1))) {
                        return;
                    }
                }
            }
            throw new IllegalStateException("replication slot '" + slot + "' still not invalidated after 20 checkpoints");
        }
    }

    /** Lifts the limit, as an operator would before rebuilding. */
    public void allowSlotsAnyWal() throws SQLException {
        execute("postgres", "ALTER SYSTEM SET max_slot_wal_keep_size = -1", "SELECT pg_reload_conf()");
    }

    private void execute(String database, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(database)); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database + "?user=postgres";
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
