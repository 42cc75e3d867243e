package io.agentstatebridge.projections.apply;

import io.agentstatebridge.projections.change.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private static final List<String> DELTA_COLUMNS = List.of("session_id", "agent_id", "total_events", "user_messages",
            "tool_calls", "decisions", "errors", "tasks_completed", "total_tokens_used", "added_first", "added_latest",
            "added_error", "added_closed", "added_last_decision");

    private final String groupDeltasFromJson;
    private final String groupDeltasFromEventRows;
    private final String rejectTokenCounts;
    private final String groupAggregatesRetract;
    private final String currentStateRefresh;
    private final String agentsOfChangedSessions;

    EventProjections(ReadSideSchema schema) {
        groupDeltasFromJson = schema.rewrite(SqlResource.load("apply/group_deltas_from_json.sql")
                + SqlResource.load("apply/group_deltas_upsert.sql"));
        groupDeltasFromEventRows = schema.rewrite(SqlResource.load("apply/group_deltas_from_event_rows.sql")
                + SqlResource.load("apply/group_deltas_upsert.sql"));
        rejectTokenCounts = schema.rewrite(SqlResource.load("apply/reject_token_counts.sql"));
        groupAggregatesRetract = schema.rewrite(SqlResource.load("apply/group_aggregates_retract.sql"));
        currentStateRefresh = schema.rewrite(SqlResource.load("apply/agent_current_state_refresh.sql"));
        agentsOfChangedSessions = schema.rewrite(SqlResource.load("apply/agents_of_changed_sessions.sql"));
    }

    /** Folds event changes into session_summary and agent_task_progress; returns rows rejected. */
    int applyEventChanges(Connection connection, TableDelta events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        int rejected = 0;
        Optional<Collection<GroupDeltas.Delta>> deltas = GroupDeltas.of(events.before().values(), events.after().values());
        if (deltas.isPresent()) {
            execute(connection, groupDeltasFromJson, RowSetJson.encode(asRows(deltas.get()), DELTA_COLUMNS));
        } else {
            // Some value needs PostgreSQL's own judgement: fold row by row with the definitions' casts.
            String retracted = RowSetJson.encode(events.before().values(), EVENT_COLUMNS);
            String added = RowSetJson.encode(events.after().values(), EVENT_COLUMNS);
            execute(connection, groupDeltasFromEventRows, retracted, added);
            rejected = recordRejectedTokenCounts(connection, added);
        }
        if (!events.before().isEmpty()) {
            execute(connection, groupAggregatesRetract, RowSetJson.encode(distinctGroups(events.before().values()), GROUP_COLUMNS));
        }
        return rejected;
    }

    private static List<Row> asRows(Collection<GroupDeltas.Delta> deltas) {
        List<Row> rows = new ArrayList<>(deltas.size());
        for (GroupDeltas.Delta d : deltas) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("session_id", d.sessionId);
            values.put("agent_id", d.agentId);
            values.put("total_events", Long.toString(d.totalEvents));
            values.put("user_messages", Long.toString(d.userMessages));
            values.put("tool_calls", Long.toString(d.toolCalls));
            values.put("decisions", Long.toString(d.decisions));
            values.put("errors", Long.toString(d.errors));
            values.put("tasks_completed", Long.toString(d.tasksCompleted));
            values.put("total_tokens_used", Long.toString(d.tokens));
            values.put("added_first", d.addedFirst == null ? null : d.addedFirst.toString());
            values.put("added_latest", d.addedLatest == null ? null : d.addedLatest.toString());
            values.put("added_error", Boolean.toString(d.addedError));
            values.put("added_closed", Boolean.toString(d.addedClosed));
            values.put("added_last_decision", d.addedLastDecision == null ? null : d.addedLastDecision.toString());
            rows.add(Row.of(values));
        }
        return rows;
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

    private int recordRejectedTokenCounts(Connection connection, String added) throws SQLException {
        int rejected = 0;
        try (PreparedStatement insert = connection.prepareStatement(rejectTokenCounts)) {
            insert.setString(1, added);
            try (ResultSet rs = insert.executeQuery()) {
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
