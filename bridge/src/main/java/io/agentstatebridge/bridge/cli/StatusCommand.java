package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.SettingValues;
import io.agentstatebridge.bridge.config.Settings;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.source.DatabaseConnections;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

@Command(name = "status", modelTransformer = SettingOptions.class,
        description = "Show a bridge's status from the read side: state, lag, throughput, slot health. Exit 0 when healthy "
                + "(streaming, reporting, lag within --max-lag-seconds), 1 otherwise.")
final class StatusCommand extends ConfiguredCommand {
    private static final String QUERY = "SELECT s.state, l.lag_seconds, s.events_applied_total, s.events_per_second, "
            + "s.batches_applied_total, s.rejected_rows_total, s.slot_name, s.slot_active, s.slot_retained_wal_bytes, "
            + "s.slot_wal_status, s.slot_safe_wal_size_bytes, s.snapshot_progress::text, s.last_error, s.updated_at, "
            + "EXTRACT(EPOCH FROM clock_timestamp() - s.updated_at) "
            + "FROM agent_state_bridge.status s LEFT JOIN agent_state_bridge.replication_lag l USING (bridge_name) "
            + "WHERE s.bridge_name = ?";
    private static final String INSTANCES = "SELECT role, host, pid, state, silent_seconds, stale "
            + "FROM agent_state_bridge.instance_status WHERE bridge_name = ? ORDER BY stale, role, started_at";
    /** This server, when it is a standby, then the standbys streaming from it. */
    private static final String READ_REPLICAS = "SELECT replica, measured_on, state, replay_lag_seconds, replay_lag_bytes "
            + "FROM agent_state_bridge.replica_lag ORDER BY measured_on DESC, replica";
    /** A bridge reports every second; silence longer than this means it is not running. */
    private static final double STALE_AFTER_SECONDS = 15;

    private String name;

    @Override
    public List<Setting<?>> settings() {
        return List.of(Settings.TARGET_URL, Settings.TARGET_PASSWORD, Settings.NAME, Settings.STATUS_MAX_LAG_SECONDS);
    }

    @Override
    protected int run(SettingValues values) throws SQLException {
        DatabaseUrl target = values.get(Settings.TARGET_URL);
        name = values.get(Settings.NAME);
        double maxLagSeconds = values.get(Settings.STATUS_MAX_LAG_SECONDS);
        PrintWriter out = spec().commandLine().getOut();
        try (Connection connection = DatabaseConnections.open(target, "target");
             PreparedStatement query = connection.prepareStatement(QUERY)) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    out.println("no bridge named '" + name + "' has reported to " + target.describe());
                    return 1;
                }
                String state = rs.getString(1);
                double lag = rs.getDouble(2);
                boolean lagKnown = !rs.wasNull();
                double silentFor = rs.getDouble(15);
                out.printf("bridge                %s%n", name);
                out.printf("state                 %s%s%n", state, silentFor > STALE_AFTER_SECONDS
                        ? String.format(" (last report %.0f s ago: not running?)", silentFor) : "");
                out.printf("lag                   %s%n", lagKnown ? String.format("%.3f s", lag) : "unknown");
                out.printf("events applied        %d (%.0f/s)%n", rs.getLong(3), rs.getDouble(4));
                out.printf("batches applied       %d%n", rs.getLong(5));
                out.printf("rejected rows         %d%n", rs.getLong(6));
                out.printf("slot                  %s, %s, retained WAL %s, wal_status %s, safe_wal_size %s%n", rs.getString(7),
                        rs.getObject(8) == null ? "unknown" : rs.getBoolean(8) ? "active" : "inactive",
                        bytes(rs.getObject(9)), rs.getString(10), bytes(rs.getObject(11)));
                if (rs.getString(12) != null) {
                    out.printf("snapshot              %s%n", rs.getString(12));
                }
                if (rs.getString(13) != null) {
                    out.printf("last error            %s%n", rs.getString(13));
                }
                printInstances(connection, out);
                printReadReplicas(connection, out);
                boolean healthy = BridgeState.named(state).orElse(null) == BridgeState.STREAMING
                        && silentFor <= STALE_AFTER_SECONDS && lagKnown && lag <= maxLagSeconds;
                out.println(healthy ? "healthy" : "NOT healthy");
                return healthy ? 0 : 1;
            }
        }
    }

    /**
     * Active and standby instances, and the stale rows of those that stopped reporting. A role
     * that may read the status but not the instances still gets its answer, without them.
     */
    private void printInstances(Connection connection, PrintWriter out) {
        try (PreparedStatement query = connection.prepareStatement(INSTANCES)) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                String label = "instances";
                while (rs.next()) {
                    out.printf("%-21s %-7s %s:%d  %s, %s%n", label, rs.getString(1), rs.getString(2), rs.getLong(3),
                            rs.getString(4), rs.getBoolean(6) ? String.format("silent for %.0f s: stale", rs.getDouble(5))
                                    : String.format("reported %.1f s ago", rs.getDouble(5)));
                    label = "";
                }
            }
        } catch (SQLException e) {
            out.printf("instances             unknown: %s%n", e.getMessage());
        }
    }

    /**
     * The read database's physical standbys and how far behind it each is. Queried on a standby, the
     * first line is that standby itself: everything above is what it has replayed.
     */
    private static void printReadReplicas(Connection connection, PrintWriter out) {
        try (PreparedStatement query = connection.prepareStatement(READ_REPLICAS); ResultSet rs = query.executeQuery()) {
            String label = "read replicas";
            while (rs.next()) {
                boolean self = "replica".equals(rs.getString(2));
                double lag = rs.getDouble(4);
                String lagText = rs.wasNull() ? "unknown" : String.format("%.3f s", lag);
                out.printf("%-21s %s%s: %s, replay lag %s, %s not replayed%n", self ? "this server" : label,
                        rs.getString(1) == null ? "(no cluster_name)" : rs.getString(1),
                        self ? " (a read replica: everything above is as replayed here)" : "", rs.getString(3), lagText,
                        bytes(rs.getObject(5)));
                if (!self) {
                    label = "";
                }
            }
        } catch (SQLException e) {
            out.printf("read replicas         unknown: %s%n", e.getMessage());
        }
    }

    private static String bytes(Object value) {
        return value == null ? "unknown" : String.format("%.1f MB", ((Number) value).longValue() / 1048576.0);
    }
}
