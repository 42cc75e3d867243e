package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the measurements run. Embedded: one PostgreSQL server started from the binaries on Maven
 * Central, with a new pair of databases per measurement, dropped afterwards. Given URLs: the two
 * databases given, wiped before each measurement (they must be scratch databases). Either way each
 * measurement starts from a migrated, empty write side and an empty read side, and no replication
 * slot of the bench outlives the run. Used from one thread.
 */
public final class BenchEnvironment implements AutoCloseable {
    private final EmbeddedPostgres server;
    private final DatabaseUrl givenSource;
    private final DatabaseUrl givenTarget;
    private int created;

    private BenchEnvironment(EmbeddedPostgres server, DatabaseUrl givenSource, DatabaseUrl givenTarget) {
        this.server = server;
        this.givenSource = givenSource;
        this.givenTarget = givenTarget;
    }

    public static BenchEnvironment start(BenchSettings settings, PrintWriter out) throws IOException {
        if (!settings.embedded()) {
            out.printf("using the given databases (wiped before each measurement): %s and %s%n",
                    settings.source().redacted(), settings.target().redacted());
            return new BenchEnvironment(null, settings.source(), settings.target());
        }
        out.println("starting an embedded PostgreSQL (wal_level=logical, shared_buffers=256MB, max_wal_size=4GB, fsync and synchronous_commit on) ...");
        // Sizing for a million-event log: shared_buffers holds the working set of the indexes, and
        // max_wal_size keeps checkpoints (and their full-page writes) out of the timed windows.
        // Durability is PostgreSQL's default (the embedded server would turn it off): writers pay
        // what they pay in production, which is what the cost-to-the-writers figures compare.
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("shared_buffers", "256MB")
                .setServerConfig("max_wal_size", "4GB")
                .setServerConfig("checkpoint_timeout", "30min")
                .setServerConfig("work_mem", "16MB")
                .setServerConfig("maintenance_work_mem", "256MB")
                .setServerConfig("max_connections", "100")
                .start();
        return new BenchEnvironment(postgres, null, null);
    }

    /** A migrated, empty write side and an empty read side. */
    public BenchDatabases fresh(String purpose) throws SQLException {
        BenchDatabases databases;
        if (server != null) {
            String name = "bench_" + purpose.replaceAll("[^a-z0-9]+", "_") + "_" + (++created);
            databases = new BenchDatabases(createDatabase(name + "_source"), createDatabase(name + "_target"));
        } else {
            databases = new BenchDatabases(givenSource, givenTarget);
            BenchCleanup.dropSlots(databases.source());
            BenchCleanup.wipeSource(databases.source());
            BenchCleanup.wipeTarget(databases.target());
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(databases.source().jdbcUrl());
        SchemaMigrations.migrateWriteSide(dataSource);
        return databases;
    }

    /** Drops the bench's slots (they would hold WAL forever) and, when embedded, the databases. */
    public void release(BenchDatabases databases) throws SQLException {
        BenchCleanup.dropSlots(databases.source());
        if (server != null) {
            try (Connection admin = server.getPostgresDatabase().getConnection();
                 Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + databases.source().database() + " WITH (FORCE)");
                statement.execute("DROP DATABASE IF EXISTS " + databases.target().database() + " WITH (FORCE)");
            }
        }
    }

    private DatabaseUrl createDatabase(String name) throws SQLException {
        try (Connection admin = server.getPostgresDatabase().getConnection();
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return DatabaseUrl.parse("jdbc:postgresql://localhost:" + server.getPort() + "/" + name + "?user=postgres", name);
    }

    /** The server's version and settings that matter, for the report. */
    public String describeServer() throws SQLException {
        DatabaseUrl any = server != null
                ? DatabaseUrl.parse("jdbc:postgresql://localhost:" + server.getPort() + "/postgres?user=postgres", "server")
                : givenSource;
        try (Connection connection = DriverManager.getConnection(any.jdbcUrl());
             Statement statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT current_setting('server_version'), current_setting('shared_buffers'), "
                     + "current_setting('synchronous_commit'), current_setting('fsync')")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + " (shared_buffers " + rs.getString(2) + ", synchronous_commit "
                    + rs.getString(3) + ", fsync " + rs.getString(4) + ")";
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
