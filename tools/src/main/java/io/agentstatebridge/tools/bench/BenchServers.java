package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two PostgreSQL servers of an embedded run, started from the binaries on Maven Central with
 * the same explicit settings: the source server (wal_level=logical) and the target server
 * (PostgreSQL's default wal_level, as a read side needs nothing more). The two-server layout puts
 * one database on each; the one-server layout puts both on the source server. Their files live in
 * temporary directories on the same disk and go with them on close.
 */
final class BenchServers implements AutoCloseable {
    /** Which of the two servers. */
    enum Role {
        SOURCE, TARGET
    }

    /**
     * Sizing for a million-event log: shared_buffers holds the working set of the indexes, and
     * max_wal_size with checkpoint_timeout keeps checkpoints (and their full-page writes) out of the
     * timed windows (the bench also checkpoints before each one). Durability is PostgreSQL's default,
     * which the embedded server would otherwise turn off: writers pay what they pay in production,
     * and a commit reaches logical decoding only once flushed.
     */
    static final Map<String, String> SETTINGS = settings();

    private final EmbeddedPostgres source;
    private final EmbeddedPostgres target;

    private BenchServers(EmbeddedPostgres source, EmbeddedPostgres target) {
        this.source = source;
        this.target = target;
    }

    private static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("shared_buffers", "256MB");
        settings.put("max_wal_size", "4GB");
        settings.put("checkpoint_timeout", "30min");
        settings.put("fsync", "on");
        settings.put("synchronous_commit", "on");
        settings.put("full_page_writes", "on");
        settings.put("work_mem", "16MB");
        settings.put("maintenance_work_mem", "256MB");
        settings.put("max_connections", "100");
        settings.put("max_wal_senders", "10");
        settings.put("max_replication_slots", "10");
        return Map.copyOf(settings);
    }

    static BenchServers start(PrintWriter out) throws IOException {
        out.println("starting two embedded PostgreSQL servers (source with wal_level=logical, target) ...");
        out.flush();
        EmbeddedPostgres source = start("logical");
        try {
            return new BenchServers(source, start("replica"));
        } catch (IOException | RuntimeException e) {
            source.close();
            throw e;
        }
    }

    private static EmbeddedPostgres start(String walLevel) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setServerConfig("wal_level", walLevel);
        SETTINGS.forEach(builder::setServerConfig);
        return builder.start();
    }

    private EmbeddedPostgres server(Role role) {
        return role == Role.SOURCE ? source : target;
    }

    DatabaseUrl createDatabase(Role role, String name) throws SQLException {
        try (Connection admin = server(role).getPostgresDatabase().getConnection();
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return DatabaseUrl.parse("jdbc:postgresql://localhost:" + server(role).getPort() + "/" + name + "?user=postgres", name);
    }

    void dropDatabase(DatabaseUrl database) throws SQLException {
        EmbeddedPostgres server = database.port() == source.getPort() ? source : target;
        try (Connection admin = server.getPostgresDatabase().getConnection();
             Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database.database() + " WITH (FORCE)");
        }
    }

    /** Writes out every dirty page now, so that no timed window pays for an earlier one's checkpoint. */
    void checkpoint() throws SQLException {
        for (EmbeddedPostgres server : List.of(source, target)) {
            try (Connection admin = server.getPostgresDatabase().getConnection();
                 Statement statement = admin.createStatement()) {
                statement.execute("CHECKPOINT");
            }
        }
    }

    /** The postmaster's process id, whose process tree is the whole server. */
    long postmasterPid(Role role) throws SQLException {
        try (Connection admin = server(role).getPostgresDatabase().getConnection();
             Statement statement = admin.createStatement();
             ResultSet rs = statement.executeQuery("SHOW data_directory")) {
            rs.next();
            List<String> lines = Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid"));
            return Long.parseLong(lines.get(0).trim());
        } catch (IOException e) {
            throw new SQLException("cannot read the postmaster.pid of the " + role.name().toLowerCase() + " server", e);
        }
    }

    /** Version and the settings that matter, as each server reports them (not as asked). */
    String describe() throws SQLException {
        return "source server: " + describe(source) + "; target server: " + describe(target);
    }

    static String describe(DatabaseUrl database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl())) {
            return describe(connection);
        }
    }

    private static String describe(EmbeddedPostgres server) throws SQLException {
        try (Connection connection = server.getPostgresDatabase().getConnection()) {
            return describe(connection);
        }
    }

    private static String describe(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_setting('server_version'), current_setting('wal_level'), "
                     + "current_setting('shared_buffers'), current_setting('max_wal_size'), current_setting('fsync'), "
                     + "current_setting('synchronous_commit'), current_setting('full_page_writes'), "
                     + "current_setting('checkpoint_timeout')")) {
            rs.next();
            return String.format("PostgreSQL %s, wal_level=%s shared_buffers=%s max_wal_size=%s fsync=%s "
                            + "synchronous_commit=%s full_page_writes=%s checkpoint_timeout=%s", rs.getString(1), rs.getString(2),
                    rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8));
        }
    }

    @Override
    public void close() throws IOException {
        try {
            target.close();
        } finally {
            source.close();
        }
    }
}
