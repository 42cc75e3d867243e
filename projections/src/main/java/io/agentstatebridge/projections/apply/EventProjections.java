package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maintains the three projections from the net changes of one segment: deltas for what can be
 * retracted, index probes on the replicas for what cannot (MIN, MAX, BOOL_OR, latest).
 * Called after the replicas already hold the segment's final rows.
 */
final class EventProjections {
    private static final Logger LOG = LoggerFactory.getLogger(EventProjections.class);
    private static final List<String> EVENT_COLUMNS =
            List.of("event_id", "agent_id", "session_id", "event_type", "payload", "created_at");
    private static final List<String> GROUP_COLUMNS = List.of("session_id", "agent_id");

    private final String groupAggregatesAdd = SqlResource.load("apply/group_aggregates_add.sql");
    private final String groupAggregatesRetract = SqlResource.load("apply/group_aggregates_retract.sql");
    private final String currentStateRefresh = SqlResource.load("apply/agent_current_state_refresh.sql");
    private final String agentsOfChangedSessions = SqlResource.load("apply/agents_of_changed_sessions.sql");

    /** Folds event changes into session_summary and agent_task_progress; returns rows rejected. */
    int applyEventChanges(Connection connection, TableDelta events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        String retracted = RowSetJson.encode(events.before().values(), EVENT_COLUMNS);
        String added = RowSetJson.encode(events.after().values(), EVENT_COLUMNS);
        int rejected = addToGroups(connection, retracted, added);
        if (!events.before().isEmpty()) {
            execute(connection, groupAggregatesRetract, RowSetJson.encode(distinctGroups(events.before().values()), GROUP_COLUMNS));
        }
        return rejected;
    }

    /** Agents whose current state the given session changes may alter. */
    Set<String> agentsAffectedBy(Connection connection, TableDelta sessions) throws SQLException {
        if (sessions.isEmpty()) {
            return Set.of();
        }
        List<String> appeared = sessions.after().keySet().stream()
                .filter(key -> !sessions.before().containsKey(key))
                .toList();
        try (PreparedStatement select = connection.prepareStatement(agentsOfChangedSessions)) {
            select.setArray(1, ReplicaTable.textArray(connection, sessions.touchedKeys()));
            select.setArray(2, ReplicaTable.textArray(connection, appeared));
            Set<String> agents = new java.util.HashSet<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    agents.add(rs.getString(1));
                }
            }
            return agents;
        }
    }

    void refreshCurrentState(Connection connection, Collection<String> agents) throws SQLException {
        if (agents.isEmpty()) {
            return;
        }
        try (PreparedStatement refresh = connection.prepareStatement(currentStateRefresh)) {
            refresh.setArray(1, ReplicaTable.textArray(connection, agents));
            refresh.executeUpdate();
        }
    }

    /** Applies the deltas; returns how many added events had a token_count that cannot be cast. */
    private int addToGroups(Connection connection, String retracted, String added) throws SQLException {
        int rejected = 0;
        try (PreparedStatement add = connection.prepareStatement(groupAggregatesAdd)) {
            add.setString(1, retracted);
            add.setString(2, added);
            try (ResultSet rs = add.executeQuery()) {
                while (rs.next()) {
                    rejected++;
                    LOG.warn("agent_events row {} has payload.token_count {} which is not an integer that fits INT; "
                            + "counted as 0 and recorded in agent_state_bridge.rejected_rows", rs.getString(1), rs.getString(2));
                }
            }
        }
        return rejected;
    }

    private static Collection<Row> distinctGroups(Collection<Row> events) {
        Map<List<String>, Row> groups = new LinkedHashMap<>();
        for (Row event : events) {
            List<String> group = List.of(event.get("session_id"), event.get("agent_id"));
            groups.computeIfAbsent(group, g -> Row.of(Map.of("session_id", g.get(0), "agent_id", g.get(1))));
        }
        return groups.values();
    }

    private static void execute(Connection connection, String sql, String... jsonParameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < jsonParameters.length; i++) {
                statement.setString(i + 1, jsonParameters[i]);
            }
            statement.executeUpdate();
        }
    }
}
