package io.agentstatebridge.projections.testing;

import io.agentstatebridge.projections.change.Operation;
import io.agentstatebridge.projections.change.Row;
import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourceTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A real write-side database that also records, for each statement it runs, the row changes a
 * change-data-capture source would report: the full new row for inserts and updates, the key for
 * deletes, a DELETE plus an INSERT when the key changes, nothing but the table for TRUNCATE.
 * Tests feed the recording to the projections and compare with the definitions on this database.
 */
public final class RecordingSource {
    /** Timestamps as a change source sends them: ISO-8601, UTC, microseconds. */
    private static final String ISO = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";
    private static final String EVENT_COLUMNS = "event_id, agent_id, session_id, event_type, payload::text, "
            + "to_char(created_at AT TIME ZONE 'UTC', " + ISO + ")";
    private static final String SESSION_COLUMNS = "session_id, agent_id, user_id, agent_type, "
            + "to_char(started_at AT TIME ZONE 'UTC', " + ISO + "), metadata::text";

    private final Connection connection;
    private final List<RowChange> recorded = new ArrayList<>();

    public RecordingSource(Connection connection) {
        this.connection = connection;
    }

    /** The changes recorded since the last call. */
    public List<RowChange> drain() {
        List<RowChange> changes = List.copyOf(recorded);
        recorded.clear();
        return changes;
    }

    public void insertSession(String sessionId, String agentId, String userId, String agentType, String startedAt) throws SQLException {
        returning(SourceTable.AGENT_SESSIONS, Operation.INSERT, null,
                "INSERT INTO agent_sessions (session_id, agent_id, user_id, agent_type, started_at, metadata) "
                        + "VALUES (?, ?, ?, ?, ?::timestamptz, '{\"channel\": \"test\"}') RETURNING " + SESSION_COLUMNS,
                sessionId, agentId, userId, agentType, startedAt);
    }

    public void insertEvent(String eventId, String agentId, String sessionId, String eventType, String payload, String createdAt) throws SQLException {
        returning(SourceTable.AGENT_EVENTS, Operation.INSERT, null,
                "INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload, created_at) "
                        + "VALUES (?, ?, ?, ?, ?::jsonb, ?::timestamptz) RETURNING " + EVENT_COLUMNS,
                eventId, agentId, sessionId, eventType, payload, createdAt);
    }

    /**
     * Sets one column of an event. {@code payloadUnchangedInStream} simulates PostgreSQL leaving an
     * untouched TOASTed payload out of the replication stream.
     */
    public void updateEvent(String eventId, String column, String value, boolean payloadUnchangedInStream) throws SQLException {
        String cast = switch (column) {
            case "payload" -> "::jsonb";
            case "created_at" -> "::timestamptz";
            default -> "";
        };
        Set<String> unchanged = payloadUnchangedInStream && !column.equals("payload") ? Set.of("payload") : Set.of();
        returning(SourceTable.AGENT_EVENTS, Operation.UPDATE, column.equals("event_id") ? eventId : null,
                "UPDATE agent_events SET " + column + " = ?" + cast + " WHERE event_id = ? RETURNING " + EVENT_COLUMNS,
                unchanged, value, eventId);
    }

    public void updateSession(String sessionId, String column, String value) throws SQLException {
        String cast = column.equals("started_at") ? "::timestamptz" : "";
        returning(SourceTable.AGENT_SESSIONS, Operation.UPDATE, column.equals("session_id") ? sessionId : null,
                "UPDATE agent_sessions SET " + column + " = ?" + cast + " WHERE session_id = ? RETURNING " + SESSION_COLUMNS,
                value, sessionId);
    }

    public void deleteEvent(String eventId) throws SQLException {
        delete(SourceTable.AGENT_EVENTS, eventId);
    }

    public void deleteSession(String sessionId) throws SQLException {
        delete(SourceTable.AGENT_SESSIONS, sessionId);
    }

    public void truncate(SourceTable table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE " + table.qualifiedName());
        }
        recorded.add(RowChange.truncate(table));
    }

    private void delete(SourceTable table, String key) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM " + table.qualifiedName() + " WHERE " + table.keyColumn() + " = ?")) {
            delete.setString(1, key);
            if (delete.executeUpdate() > 0) {
                recorded.add(RowChange.delete(table, Row.of(Map.of(table.keyColumn(), key))));
            }
        }
    }

    private void returning(SourceTable table, Operation operation, String oldKey, String sql, Object... parameters) throws SQLException {
        returning(table, operation, oldKey, sql, Set.of(), parameters);
    }

    private void returning(SourceTable table, Operation operation, String oldKey, String sql, Set<String> unchanged,
                           Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> values = new LinkedHashMap<>();
                    for (int i = 0; i < table.columns().size(); i++) {
                        values.put(table.columns().get(i).name(), rs.getString(i + 1));
                    }
                    String newKey = values.get(table.keyColumn());
                    if (oldKey != null && !oldKey.equals(newKey)) {
                        recorded.add(RowChange.delete(table, Row.of(Map.of(table.keyColumn(), oldKey))));
                        recorded.add(RowChange.insert(table, Row.of(values)));
                    } else if (!unchanged.isEmpty()) {
                        Map<String, String> sent = new LinkedHashMap<>(values);
                        unchanged.forEach(column -> sent.put(column, "__unavailable__"));
                        recorded.add(new RowChange(table, operation, null, new Row(sent, unchanged)));
                    } else {
                        recorded.add(new RowChange(table, operation, null, Row.of(values)));
                    }
                }
            }
        }
    }
}
