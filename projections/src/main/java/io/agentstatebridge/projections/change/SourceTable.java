package io.agentstatebridge.projections.change;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The source tables whose changes the projections consume. */
public enum SourceTable {
    AGENT_EVENTS("public", "agent_events", List.of(
            new Column("event_id", "varchar", false),
            new Column("agent_id", "varchar", false),
            new Column("session_id", "varchar", false),
            new Column("event_type", "varchar", false),
            new Column("payload", "jsonb", true),
            new Column("created_at", "timestamptz", false))),
    AGENT_SESSIONS("public", "agent_sessions", List.of(
            new Column("session_id", "varchar", false),
            new Column("agent_id", "varchar", false),
            new Column("user_id", "varchar", true),
            new Column("agent_type", "varchar", false),
            new Column("started_at", "timestamptz", false),
            new Column("metadata", "jsonb", true))),
    /** The bridge's own heartbeat table: its rows mark how far the stream has been applied. */
    HEARTBEAT("agent_state_bridge", "heartbeat", List.of(
            new Column("bridge_name", "text", false),
            new Column("beat_at", "timestamptz", false),
            new Column("marker", "bigint", false)));

    /**
     * A column, the SQL type its text form is cast to on the read side, and whether it may be
     * NULL (the read side's tables, and the projections' groups and joins, need the others).
     */
    public record Column(String name, String sqlType, boolean nullable) { }

    private final String schema;
    private final String name;
    private final List<Column> columns;

    SourceTable(String schema, String name, List<Column> columns) {
        this.schema = schema;
        this.name = name;
        this.columns = columns;
    }

    /** Columns in table order; the first one is the primary key. */
    public List<Column> columns() {
        return columns;
    }

    public String schema() {
        return schema;
    }

    public String tableName() {
        return name;
    }

    public String qualifiedName() {
        return schema + "." + name;
    }

    public String keyColumn() {
        return columns.get(0).name();
    }

    public static Optional<SourceTable> byQualifiedName(String schema, String table) {
        return Arrays.stream(values())
                .filter(t -> t.schema.equals(schema) && t.name.equals(table))
                .findFirst();
    }
}
