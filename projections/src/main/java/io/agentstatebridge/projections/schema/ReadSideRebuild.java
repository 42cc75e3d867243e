package io.agentstatebridge.projections.schema;

import io.agentstatebridge.projections.apply.ApplyLeaseLostException;
import io.agentstatebridge.projections.apply.ReadSideSchema;
import io.agentstatebridge.projections.apply.SqlResource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A second read side built in a shadow schema next to the live one, then swapped in by one
 * transaction: readers go on querying the live tables, complete and unchanged, until the moment
 * the rebuilt ones replace them. What is written into the shadow is up to the caller (an applier
 * targeting {@link #schema()}, which keeps its position in the shadow too, under the bridge's name).
 *
 * <p>The swap moves tables between schemas rather than copying rows, so it takes milliseconds
 * whatever their size; it needs a moment with no reader holding them, which it waits for no
 * longer than a lock timeout, so that it never stalls the readers queued behind it for long.
 *
 * <p>Not thread-safe; the caller makes sure only one rebuild runs against a read side.
 */
public final class ReadSideRebuild {
    /** Where the new tables are built; never read by readers. */
    public static final String SHADOW_SCHEMA = "agent_state_bridge_rebuild";
    /** Where the replaced tables go for the moment between the swap and their drop. */
    public static final String RETIRED_SCHEMA = "agent_state_bridge_retired";

    private final DataSource target;

    public ReadSideRebuild(DataSource target) {
        this.target = target;
    }

    /** Where an applier writes to fill the shadow tables. */
    public ReadSideSchema schema() {
        return ReadSideSchema.shadow(SHADOW_SCHEMA);
    }

    /**
     * Views and foreign keys of others that refer to the live tables themselves; a swap would
     * leave them on the retired tables.
     */
    public List<String> dependents() throws SQLException {
        try (Connection connection = target.getConnection();
             PreparedStatement query = connection.prepareStatement(SqlResource.load("rebuild/dependents.sql"));
             ResultSet rs = query.executeQuery()) {
            List<String> dependents = new ArrayList<>();
            while (rs.next()) {
                dependents.add(rs.getString(1));
            }
            return dependents;
        }
    }

    /**
     * What the connected role lacks to rebuild (create schemas, own the live tables), in words,
     * or null. A least-privilege bridge role lacks both: the read side's owner rebuilds it.
     */
    public String missingPrivileges() throws SQLException {
        try (Connection connection = target.getConnection();
             PreparedStatement query = connection.prepareStatement(SqlResource.load("rebuild/privileges.sql"));
             ResultSet rs = query.executeQuery()) {
            rs.next();
            List<String> missing = new ArrayList<>();
            if (rs.getString(1) != null) {
                missing.add("CREATE on database " + rs.getString(1));
            }
            if (rs.getString(2) != null) {
                missing.add("ownership of " + rs.getString(2));
            }
            return missing.isEmpty() ? null : String.join(" and ", missing);
        }
    }

    /**
     * Drops whatever an earlier, interrupted rebuild left and creates empty shadow tables shaped
     * like the live ones, without their indexes; returns the statements that create those, to run
     * once the tables are filled (see {@link io.agentstatebridge.projections.apply.ReadSideLoad}).
     */
    public List<String> prepare() throws SQLException {
        dropLeftovers();
        try (Connection connection = target.getConnection()) {
            connection.setAutoCommit(false);
            execute(connection, "CREATE SCHEMA " + SHADOW_SCHEMA);
            List<String> indexes = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(SqlResource.load("rebuild/shadow_tables.sql"))) {
                query.setString(1, SHADOW_SCHEMA);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        int step = rs.getInt(2);
                        if (step == 2 || step == 3) {
                            indexes.add(rs.getString(1));
                        } else {
                            execute(connection, rs.getString(1));
                        }
                    }
                }
            }
            connection.commit();
            return indexes;
        }
    }

    /** Fresh planner statistics for the new tables, so readers' first queries after the swap plan well. */
    public void analyze() throws SQLException {
        try (Connection connection = target.getConnection()) {
            for (String table : List.of("agent_sessions", "agent_events", "agent_current_state", "session_summary",
                    "agent_task_progress")) {
                execute(connection, "ANALYZE " + SHADOW_SCHEMA + "." + table);
            }
        }
    }

    /**
     * In one transaction: the shadow tables become the live ones, with the live ones' privileges;
     * the heartbeat replica, the rejected rows and {@code bridgeName}'s position become the
     * rebuild's. Fenced like a batch: refused when another instance has taken over applying since
     * the one at {@code leaderEpoch}. False, with nothing changed, when readers held the live tables
     * for longer than {@code lockTimeout}: call again.
     */
    public boolean swap(String bridgeName, long leaderEpoch, Duration lockTimeout) throws SQLException {
        try (Connection connection = target.getConnection()) {
            connection.setAutoCommit(false);
            try {
                execute(connection, "SET LOCAL lock_timeout = " + Math.max(1, lockTimeout.toMillis()));
                requireLease(connection, bridgeName, leaderEpoch);
                requireRebuiltPosition(connection, bridgeName);
                for (String statement : statements(connection, "rebuild/swap_statements.sql",
                        SHADOW_SCHEMA, RETIRED_SCHEMA, bridgeName)) {
                    execute(connection, statement);
                }
                connection.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                if (e instanceof SQLException sql && "55P03".equals(sql.getSQLState())) { // a reader holds a table
                    return false;
                }
                throw e;
            }
        }
    }

    private static void requireLease(Connection connection, String bridgeName, long leaderEpoch) throws SQLException {
        try (PreparedStatement claim = connection.prepareStatement(SqlResource.load("apply/claim_position.sql"))) {
            claim.setString(1, bridgeName);
            try (ResultSet rs = claim.executeQuery()) {
                long current = rs.next() ? rs.getLong(1) : 0;
                if (current != leaderEpoch) {
                    throw new ApplyLeaseLostException(bridgeName, leaderEpoch, current);
                }
            }
        }
    }

    /** Drops the retired tables after a swap, or an abandoned shadow; idempotent. */
    public void dropLeftovers() throws SQLException {
        try (Connection connection = target.getConnection()) {
            execute(connection, "DROP SCHEMA IF EXISTS " + RETIRED_SCHEMA + " CASCADE");
            execute(connection, "DROP SCHEMA IF EXISTS " + SHADOW_SCHEMA + " CASCADE");
        }
    }

    private static void requireRebuiltPosition(Connection connection, String bridgeName) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM " + SHADOW_SCHEMA + ".source_position WHERE bridge_name = ?")) {
            query.setString(1, bridgeName);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the rebuilt tables have no stored position for bridge '" + bridgeName
                            + "'; swapping them in would leave the bridge unable to resume");
                }
            }
        }
    }

    private static List<String> statements(Connection connection, String resource, String... parameters) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(SqlResource.load(resource))) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            List<String> statements = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    statements.add(rs.getString(1));
                }
            }
            return statements;
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
