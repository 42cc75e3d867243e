package io.agentstatebridge.tools.demo;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server started from the binaries on Maven Central, with logical decoding on,
 * for runs that need nothing installed (`demo`, `soak`). Its files live in a temporary directory
 * and go with it on close.
 */
public final class EmbeddedServer implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedServer start() throws IOException {
        return new EmbeddedServer(EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                // PostgreSQL's default, which the embedded server turns off: without it a commit
                // reaches logical decoding only when the WAL writer next flushes (every 200 ms),
                // and the lag shown would be that interval, not the bridge's.
                .setServerConfig("synchronous_commit", "on")
                .start());
    }

    public int port() {
        return postgres.getPort();
    }

    /** A new, empty database, reached as the server's superuser. */
    public DatabaseUrl createDatabase(String name) throws SQLException {
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return DatabaseUrl.parse("jdbc:postgresql://localhost:" + port() + "/" + name + "?user=postgres", name);
    }

    /** A new database holding the write side's tables. */
    public DatabaseUrl createWriteSide(String name) throws SQLException {
        DatabaseUrl database = createDatabase(name);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(database.jdbcUrl());
        SchemaMigrations.migrateWriteSide(dataSource);
        return database;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
