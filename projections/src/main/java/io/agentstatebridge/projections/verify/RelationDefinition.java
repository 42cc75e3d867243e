package io.agentstatebridge.projections.verify;

import io.agentstatebridge.projections.apply.SqlResource;

import java.util.List;

/**
 * A read-side table and the query that defines it on the source.
 *
 * @param name       table name in the read side's public schema, and of the definition file
 * @param columns    output columns, key columns first
 * @param keyColumns how rows are identified when reporting differences
 */
public record RelationDefinition(String name, List<String> columns, List<String> keyColumns) {

    public static final List<RelationDefinition> ALL = List.of(
            new RelationDefinition("agent_events",
                    List.of("event_id", "agent_id", "session_id", "event_type", "payload", "created_at"),
                    List.of("event_id")),
            new RelationDefinition("agent_sessions",
                    List.of("session_id", "agent_id", "user_id", "agent_type", "started_at", "metadata"),
                    List.of("session_id")),
            new RelationDefinition("agent_current_state",
                    List.of("agent_id", "session_id", "last_event_type", "payload", "last_event_at",
                            "agent_type", "user_id", "session_started_at"),
                    List.of("agent_id")),
            new RelationDefinition("session_summary",
                    List.of("session_id", "agent_id", "total_events", "user_messages", "tool_calls", "decisions",
                            "errors", "first_event_at", "latest_event_at", "session_duration", "total_tokens_used"),
                    List.of("session_id", "agent_id")),
            new RelationDefinition("agent_task_progress",
                    List.of("session_id", "agent_id", "decisions_made", "tools_invoked", "tasks_completed",
                            "had_error", "is_closed", "last_decision_at"),
                    List.of("session_id", "agent_id")));

    /** The defining query, evaluated on the source. */
    public String definition() {
        return SqlResource.load("definitions/" + name + ".sql");
    }

    /** Every row of the definition, columns as text, in key order independent of collation. */
    String sourceQuery() {
        return orderedTextSelect("(" + definition() + ") AS d");
    }

    /** Every row of the read-side table, shaped like {@link #sourceQuery()}. */
    String targetQuery() {
        return orderedTextSelect("public." + name);
    }

    private String orderedTextSelect(String from) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(columns.get(i)).append("::text");
        }
        sql.append(" FROM ").append(from).append(" ORDER BY ");
        for (int i = 0; i < keyColumns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(keyColumns.get(i)).append(" COLLATE \"C\"");
        }
        return sql.toString();
    }
}
