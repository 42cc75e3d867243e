package io.agentstatebridge.bridge.source;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.projections.change.SourceTable;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before any streaming starts, everything about the source that would otherwise surface
 * as an obscure failure deep inside the connector, and creates what the bridge owns there: its
 * heartbeat table and the publication. Each failure names the fix.
 */
public final class SourcePreflight {

    /** How long a slot may stay held by a process that has just died before we call it in use. */
    public static final Duration DEFAULT_SLOT_RELEASE_WAIT = Duration.ofSeconds(10);

    private final BridgeSettings settings;
    private final Duration slotReleaseWait;

    public SourcePreflight(BridgeSettings settings) {
        this(settings, DEFAULT_SLOT_RELEASE_WAIT);
    }

    public SourcePreflight(BridgeSettings settings, Duration slotReleaseWait) {
        this.settings = settings;
        this.slotReleaseWait = slotReleaseWait;
    }

    public void run() {
        try (Connection source = DatabaseConnections.open(settings.source(), "source")) {
            checkWalLevel(source);
            checkWriteSideTables(source);
            checkWriteSideTableShapes(source);
            checkReplicationPrivilege(source);
            checkSlotIsFree(source);
            checkBookkeepingPrivileges(source);
            createBridgeTables();
            Publication.ensure(source, settings.publication());
            checkReadPrivileges(source);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("interrupted while checking the source database", e);
        } catch (SQLException e) {
            throw new SetupException("checking the source database at " + settings.source().describe()
                    + " failed: " + e.getMessage(), e);
        }
    }

    private void checkWalLevel(Connection source) throws SQLException {
        String walLevel = single(source, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            throw new SetupException("the source PostgreSQL at " + settings.source().describe() + " has wal_level = "
                    + walLevel + ", but streaming changes needs wal_level = logical. Run "
                    + "ALTER SYSTEM SET wal_level = logical; as a superuser and restart PostgreSQL "
                    + "(or start it with -c wal_level=logical; managed services call this 'logical replication').");
        }
    }

    private void checkWriteSideTables(Connection source) throws SQLException {
        List<String> missing = new ArrayList<>();
        for (SourceTable table : List.of(SourceTable.AGENT_EVENTS, SourceTable.AGENT_SESSIONS)) {
            if (single(source, "SELECT to_regclass('" + table.qualifiedName() + "')::text") == null) {
                missing.add(table.qualifiedName());
            }
        }
        if (!missing.isEmpty()) {
            throw new SetupException("the source database " + settings.source().describe() + " has no table "
                    + String.join(" or ", missing) + ". Create the write side with `agent-state-bridge migrate "
                    + "--source-url ... --target-url ...`, or point --source-url at the database your agents write to.");
        }
    }

    /** See {@link WriteSideTableCheck} for what the bridge accepts and why. */
    private void checkWriteSideTableShapes(Connection source) throws SQLException {
        List<String> problems = new WriteSideTableCheck().problems(source);
        if (!problems.isEmpty()) {
            throw new SetupException("the write-side tables in " + settings.source().describe() + " lack what the bridge "
                    + "needs to keep the read side exact (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                    + "): " + String.join(" ", problems.stream().map(p -> "- " + p).toList()));
        }
    }

    private void checkReplicationPrivilege(Connection source) throws SQLException {
        String allowed = single(source, "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user");
        if (!"true".equals(allowed)) {
            String user = single(source, "SELECT current_user::text");
            throw new SetupException("the source role '" + user + "' may not stream changes: it lacks the REPLICATION "
                    + "attribute. Run ALTER ROLE \"" + user + "\" WITH REPLICATION; as a superuser, or connect as a role that has it.");
        }
    }

    /** The snapshot reads both tables; without SELECT the connector would fail deep inside. */
    private void checkReadPrivileges(Connection source) throws SQLException {
        List<String> unreadable = new ArrayList<>();
        for (SourceTable table : List.of(SourceTable.AGENT_EVENTS, SourceTable.AGENT_SESSIONS)) {
            if (!"true".equals(single(source, "SELECT (has_schema_privilege('" + table.schema() + "', 'USAGE') AND "
                    + "has_table_privilege('" + table.qualifiedName() + "', 'SELECT'))::text"))) {
                unreadable.add(table.qualifiedName());
            }
        }
        if (!unreadable.isEmpty()) {
            String user = single(source, "SELECT current_user::text");
            throw new SetupException("the source role '" + user + "' may not read " + String.join(" or ", unreadable)
                    + ", which the bridge snapshots. Run GRANT USAGE ON SCHEMA public TO \"" + user + "\"; GRANT SELECT ON "
                    + String.join(", ", unreadable) + " TO \"" + user + "\"; as the tables' owner (or create the bridge's "
                    + "role with `agent-state-bridge migrate --create-roles`).");
        }
    }

    /**
     * A slot held by another process means another bridge is streaming from it. Right after that
     * process died the server may not have noticed yet, so give it a few seconds to let go.
     */
    private void checkSlotIsFree(Connection source) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + slotReleaseWait.toNanos();
        try (PreparedStatement query = source.prepareStatement(
                "SELECT active_pid, plugin, database FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, settings.slot());
            while (true) {
                try (ResultSet rs = query.executeQuery()) {
                    if (!rs.next()) {
                        return;
                    }
                    int pid = rs.getInt(1);
                    boolean active = !rs.wasNull();
                    if (!"pgoutput".equals(rs.getString(2))) {
                        throw new SetupException("the replication slot '" + settings.slot() + "' exists but uses the "
                                + rs.getString(2) + " plugin; the bridge needs pgoutput. Choose another --slot or drop it with "
                                + "SELECT pg_drop_replication_slot('" + settings.slot() + "');");
                    }
                    String database = single(source, "SELECT current_database()::text");
                    if (!database.equals(rs.getString(3))) {
                        throw new SetupException("the replication slot '" + settings.slot() + "' belongs to database "
                                + rs.getString(3) + ", not " + database + ". Choose another --slot.");
                    }
                    if (!active) {
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new SetupException("the replication slot '" + settings.slot() + "' is in use by another process "
                                + "(PID " + pid + " on the source): probably another bridge instance. Stop it, or give "
                                + "this instance its own slot with --slot (and its own read side).");
                    }
                }
                Thread.sleep(250);
            }
        }
    }

    /**
     * The bridge keeps a heartbeat table in its own schema on the source; say exactly what to grant
     * if the role may not create or use it (Flyway would retry for seconds, then fail obscurely).
     */
    private void checkBookkeepingPrivileges(Connection source) throws SQLException {
        String schema = SchemaMigrations.BRIDGE_SCHEMA;
        String user = single(source, "SELECT current_user::text");
        String problem;
        if (single(source, "SELECT to_regnamespace('" + schema + "')::text") == null) {
            boolean mayCreate = "true".equals(single(source,
                    "SELECT has_database_privilege(current_database(), 'CREATE')::text"));
            problem = mayCreate ? null : "may not create the schema " + schema;
        } else if (!"true".equals(single(source, "SELECT has_schema_privilege('" + schema + "', 'USAGE')::text"))) {
            problem = "may not use the schema " + schema;
        } else if (single(source, "SELECT to_regclass('" + schema + ".heartbeat')::text") == null) {
            boolean mayCreate = "true".equals(single(source, "SELECT has_schema_privilege('" + schema + "', 'CREATE')::text"));
            problem = mayCreate ? null : "may not create tables in the schema " + schema;
        } else {
            boolean mayWrite = "true".equals(single(source,
                    "SELECT has_table_privilege('" + schema + ".heartbeat', 'SELECT, INSERT, UPDATE')::text"));
            problem = mayWrite ? null : "may not write to " + schema + ".heartbeat";
        }
        if (problem != null) {
            throw new SetupException("the source role '" + user + "' " + problem + ", where the bridge keeps its heartbeat "
                    + "table. Grant the bridge's role what it needs, as the database owner: CREATE SCHEMA IF NOT EXISTS "
                    + schema + "; GRANT USAGE, CREATE ON SCHEMA " + schema + " TO \"" + user + "\"; GRANT ALL ON ALL TABLES IN "
                    + "SCHEMA " + schema + " TO \"" + user + "\";");
        }
    }

    private void createBridgeTables() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(settings.source().jdbcUrl());
        try {
            SchemaMigrations.migrateSourceBookkeeping(dataSource);
        } catch (RuntimeException e) {
            throw new SetupException("cannot create the bridge's heartbeat table on the source (schema "
                    + SchemaMigrations.BRIDGE_SCHEMA + "): " + rootMessage(e) + ". Grant the bridge's role CREATE on the "
                    + "source database, or run `agent-state-bridge migrate` once as its owner.", e);
        }
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
