package io.agentstatebridge.tools.soak;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.agentstatebridge.tools.demo.EmbeddedServer;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two databases a soak runs on: an embedded PostgreSQL started for it (the demo's), or the
 * databases given, whose write side is created if missing and which are otherwise left as they
 * are. Either way no replication slot or publication of the soak outlives it.
 */
final class SoakDatabases implements AutoCloseable {
    private final EmbeddedServer server;
    private final DatabaseUrl source;
    private final DatabaseUrl target;

    private SoakDatabases(EmbeddedServer server, DatabaseUrl source, DatabaseUrl target) {
        this.server = server;
        this.source = source;
        this.target = target;
    }

    static SoakDatabases open(SoakSettings settings, PrintWriter out) throws IOException, SQLException {
        if (!settings.embedded()) {
            out.printf("using the given databases: %s and %s%n", settings.source().redacted(), settings.target().redacted());
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(settings.source().jdbcUrl());
            SchemaMigrations.migrateWriteSide(dataSource);
            return new SoakDatabases(null, settings.source(), settings.target());
        }
        out.println("starting an embedded PostgreSQL (wal_level=logical) ...");
        out.flush();
        EmbeddedServer server = EmbeddedServer.start();
        try {
            return new SoakDatabases(server, server.createWriteSide("soak_source"), server.createDatabase("soak_target"));
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    DatabaseUrl source() {
        return source;
    }

    DatabaseUrl target() {
        return target;
    }

    /** Drops the soak's slot (once its stopped bridge has let go of it) and publication on the source. */
    void dropReplicationObjects(String name) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        try (Connection connection = DriverManager.getConnection(source.jdbcUrl());
             PreparedStatement drop = connection.prepareStatement("SELECT count(pg_drop_replication_slot(slot_name)) "
                     + "FROM pg_replication_slots WHERE slot_name = ? AND database = current_database() AND NOT active");
             PreparedStatement remaining = connection.prepareStatement(
                     "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            drop.setString(1, name);
            remaining.setString(1, name);
            while (true) {
                drop.executeQuery().close();
                try (ResultSet rs = remaining.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replication slot " + name + " on " + source.describe()
                            + " is still in use after 30 s; drop it with SELECT pg_drop_replication_slot('" + name + "')");
                }
                Thread.sleep(250);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP PUBLICATION IF EXISTS " + name);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
