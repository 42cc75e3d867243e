package io.agentstatebridge.bridge.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One writer of {@link HostileValues} to a write side, on its own connection: inserts, updates of
 * every column (keys of both tables included, with and without a change of a large value beside
 * them, and updates that leave an out-of-line value unchanged), deletes, truncates, multi-row
 * statements, bulk statements of tens of thousands of rows, and logical decoding messages, in
 * transactions of the size the caller asks for.
 *
 * <p>Whatever the source rejects (jsonb's \u0000, a token_count the validation refuses, a
 * timestamp out of range, a key drawn twice, a deadlock with another writer) is rolled back to a
 * savepoint and counted by SQLSTATE; the transaction carries on. Updates and deletes touch only
 * this writer's own rows, so writers interleave in the WAL without waiting for each other.
 * Not thread-safe: one thread per writer.
 */
public final class HostileWriter {
    private final Connection connection;
    private final HostileValues values;
    private final int writer;
    private final List<String> agents;
    private final List<String> sharedSessions;
    private final Map<String, AtomicLong> rejections;
    private final List<String> events = new ArrayList<>();
    private final List<String> largeEvents = new ArrayList<>();
    private final List<String> sessions = new ArrayList<>();
    private final List<String> bulkPrefixes = new ArrayList<>();
    private long next;
    private long changes;

    /**
     * @param agents         agent ids all writers draw from, so agents have events from several writers
     * @param sharedSessions session ids any writer created, for events to refer to (concurrent list)
     * @param rejections     counts of rejected changes by SQLSTATE, shared by the writers
     */
    public HostileWriter(Connection connection, HostileValues values, int writer, List<String> agents,
                         List<String> sharedSessions, Map<String, AtomicLong> rejections) throws SQLException {
        this.connection = connection;
        this.values = values;
        this.writer = writer;
        this.agents = agents;
        this.sharedSessions = sharedSessions;
        this.rejections = rejections;
        connection.setAutoCommit(false);
    }

    /** Shared counts of rejected changes, for writers created by the caller. */
    public static Map<String, AtomicLong> newRejectionCounts() {
        return new ConcurrentHashMap<>();
    }

    /** Changes made so far (statements the source accepted). */
    public long changes() {
        return changes;
    }

    /** {@code size} random changes, then COMMIT (now and then ROLLBACK). */
    public void transaction(int size) throws SQLException {
        for (int i = 0; i < size; i++) {
            change();
        }
        if (values.random().nextInt(40) == 0) {
            connection.rollback();
        } else {
            connection.commit();
        }
    }

    /** One statement of a bulk kind: tens of thousands of row changes, then COMMIT. */
    public void bulkTransaction(int rows) throws SQLException {
        int dice = values.random().nextInt(bulkPrefixes.isEmpty() ? 1 : 4);
        guarded(() -> {
            if (dice == 0) {
                bulkInsert(rows);
            } else {
                String prefix = bulkPrefixes.get(values.random().nextInt(bulkPrefixes.size()));
                switch (dice) {
                    case 1 -> update("UPDATE agent_events SET event_id = event_id || ? WHERE starts_with(event_id, ?)", "~k", prefix);
                    case 2 -> update("UPDATE agent_events SET event_type = ?, created_at = created_at + interval '1 second' "
                            + "WHERE starts_with(event_id, ?)", values.eventType(), prefix);
                    default -> {
                        update("DELETE FROM agent_events WHERE starts_with(event_id, ?)", prefix);
                        bulkPrefixes.remove(prefix);
                    }
                }
            }
        });
        connection.commit();
    }

    private void bulkInsert(int rows) throws SQLException {
        String prefix = "bulk" + writer + "." + (next++) + values.text(3) + "|";
        String large = values.random().nextInt(3) == 0 ? values.incompressible(3_000) : "";
        update("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload, created_at) "
                        + "SELECT ? || g, (?::text[])[1 + g % 3], ? || (g % 50), (?::text[])[1 + g % 4], "
                        + "jsonb_build_object('token_count', g % 1000, 'text', ? || g), ?::timestamptz + g * interval '1 microsecond' "
                        + "FROM generate_series(1, ?::int) g",
                prefix, agentArray(), "bulk-session" + values.text(2), typeArray(), large, "2026-01-01 00:00:00+00", rows);
        bulkPrefixes.add(prefix);
    }

    private java.sql.Array agentArray() throws SQLException {
        return connection.createArrayOf("text", new Object[] {agent(), agent(), agent()});
    }

    private java.sql.Array typeArray() throws SQLException {
        return connection.createArrayOf("text", new Object[] {"tool_called", "decision_made", values.eventType(), "message_received"});
    }

    private void change() throws SQLException {
        int dice = values.random().nextInt(1000);
        guarded(() -> {
            if (dice < 90 || sessions.isEmpty()) {
                insertSession();
            } else if (dice < 400 || events.isEmpty()) {
                insertEvent(dice < 150);
            } else if (dice < 520) {
                updateEvent(pick(events), pickColumn("event_type", "agent_id", "session_id", "created_at", "payload"), false);
            } else if (dice < 600) {
                // A key change; most of them of a row whose large payload stays the same (left out of the stream).
                boolean large = !largeEvents.isEmpty() && values.random().nextInt(4) > 0;
                updateEvent(large ? pick(largeEvents) : pick(events), "event_id", values.random().nextInt(4) == 0);
            } else if (dice < 640 && !largeEvents.isEmpty()) {
                updateEvent(pick(largeEvents), pickColumn("event_type", "agent_id", "session_id", "created_at"), false);
            } else if (dice < 700) {
                updateSession(pick(sessions), pickColumn("agent_id", "user_id", "agent_type", "started_at", "metadata", "session_id", "session_id"),
                        values.random().nextBoolean());
            } else if (dice < 780) {
                delete("agent_events", "event_id", events);
            } else if (dice < 800) {
                delete("agent_sessions", "session_id", sessions);
            } else if (dice < 830) {
                multiRowUpdate();
            } else if (dice < 860) {
                emitMessage();
            } else if (dice < 862 && values.random().nextInt(10) == 0) {
                truncate();
            } else {
                insertEvent(false);
            }
        });
    }

    private void insertSession() throws SQLException {
        String id = values.id("s", writer * 1_000_000_000L + next++);
        update("INSERT INTO agent_sessions (session_id, agent_id, user_id, agent_type, started_at, metadata) "
                        + "VALUES (?, ?, ?, ?, ?::timestamptz, ?::jsonb)",
                id, agent(), values.random().nextInt(3) == 0 ? null : values.text(4), values.text(3), values.startedAt(), values.metadata());
        sessions.add(id);
        sharedSessions.add(id);
    }

    private void insertEvent(boolean large) throws SQLException {
        String id = values.id("e", writer * 1_000_000_000L + next++);
        String payload = large ? "{\"token_count\": " + values.tokenCount() + ", \"text\": "
                + values.quote(values.random().nextBoolean() ? values.incompressible(2_500 + values.random().nextInt(5_000))
                : values.aroundChunkBoundaries()) + "}" : values.payload();
        update("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload, created_at) "
                + "VALUES (?, ?, ?, ?, ?::jsonb, ?::timestamptz)", id, agent(), session(), values.eventType(), payload, values.timestamp());
        events.add(id);
        if (payload != null && payload.length() > 2_000) {
            largeEvents.add(id);
        }
    }

    /** Sets {@code column} of an event; with {@code alsoPayload}, the payload too in the same statement. */
    private void updateEvent(String id, String column, boolean alsoPayload) throws SQLException {
        String value = switch (column) {
            case "event_id" -> values.id("e", writer * 1_000_000_000L + next++);
            case "agent_id" -> agent();
            case "session_id" -> session();
            case "created_at" -> values.timestamp();
            case "payload" -> values.payload();
            default -> values.eventType();
        };
        String cast = column.equals("payload") ? "::jsonb" : column.equals("created_at") ? "::timestamptz" : "";
        String payload = alsoPayload ? values.payload() : null;
        int rows = alsoPayload
                ? update("UPDATE agent_events SET " + column + " = ?" + cast + ", payload = ?::jsonb WHERE event_id = ?", value, payload, id)
                : update("UPDATE agent_events SET " + column + " = ?" + cast + " WHERE event_id = ?", value, id);
        if (rows > 0 && column.equals("event_id")) {
            replace(events, id, value);
            if (largeEvents.remove(id) && !alsoPayload) {
                largeEvents.add(value);
            }
        }
    }

    private void updateSession(String id, String column, boolean alsoMetadata) throws SQLException {
        String value = switch (column) {
            case "session_id" -> values.id("s", writer * 1_000_000_000L + next++);
            case "agent_id" -> agent();
            case "user_id" -> values.random().nextInt(4) == 0 ? null : values.text(4);
            case "started_at" -> values.startedAt();
            case "metadata" -> values.metadata();
            default -> values.text(3);
        };
        String cast = column.equals("metadata") ? "::jsonb" : column.equals("started_at") ? "::timestamptz" : "";
        int rows = alsoMetadata && !column.equals("metadata")
                ? update("UPDATE agent_sessions SET " + column + " = ?" + cast + ", metadata = ?::jsonb WHERE session_id = ?",
                        value, values.metadata(), id)
                : update("UPDATE agent_sessions SET " + column + " = ?" + cast + " WHERE session_id = ?", value, id);
        if (rows > 0 && column.equals("session_id")) {
            replace(sessions, id, value);
            sharedSessions.add(value);
        }
    }

    /** One statement changing several of this writer's events. */
    private void multiRowUpdate() throws SQLException {
        List<String> some = new ArrayList<>();
        for (int i = 0, n = 2 + values.random().nextInt(30); i < n && !events.isEmpty(); i++) {
            some.add(pick(events));
        }
        Object ids = connection.createArrayOf("varchar", some.toArray());
        switch (values.random().nextInt(3)) {
            case 0 -> update("UPDATE agent_events SET created_at = created_at + interval '1 microsecond' WHERE event_id = ANY(?)", ids);
            case 1 -> update("UPDATE agent_events SET event_type = ?, session_id = ? WHERE event_id = ANY(?)", values.eventType(), session(), ids);
            default -> {
                update("DELETE FROM agent_events WHERE event_id = ANY(?)", ids);
                events.removeAll(some);
                largeEvents.removeAll(some);
            }
        }
    }

    private void emitMessage() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_logical_emit_message(?, ?, ?)")) {
            statement.setBoolean(1, values.random().nextBoolean());
            statement.setString(2, values.random().nextBoolean() ? "outbox" : values.text(3));
            statement.setString(3, values.text(20));
            statement.execute();
        }
    }

    private void truncate() throws SQLException {
        boolean events = values.random().nextBoolean();
        update(events ? "TRUNCATE agent_events" : "TRUNCATE agent_sessions");
        // The lists may now name rows that are gone: updates and deletes of them change nothing.
    }

    private void delete(String table, String keyColumn, List<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        String key = pick(keys);
        update("DELETE FROM " + table + " WHERE " + keyColumn + " = ?", key);
        keys.remove(key);
        largeEvents.remove(key);
    }

    private int update(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                if (parameters[i] instanceof java.sql.Array array) {
                    statement.setArray(i + 1, array);
                } else {
                    statement.setObject(i + 1, parameters[i]);
                }
            }
            int rows = statement.executeUpdate();
            changes += rows;
            return rows;
        }
    }

    private interface Change {
        void run() throws SQLException;
    }

    /** Runs {@code change} inside a savepoint; what the source rejects is rolled back and counted. */
    private void guarded(Change change) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            change.run();
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (!(state.startsWith("22") || state.startsWith("23") || state.startsWith("54") || state.equals("40P01"))) {
                throw e;
            }
            connection.rollback(savepoint);
            rejections.computeIfAbsent(state, s -> new AtomicLong()).incrementAndGet();
        }
    }

    private String agent() {
        return pick(agents);
    }

    private String session() {
        int size = sharedSessions.size();
        return size == 0 || values.random().nextInt(10) == 0 ? values.text(3) : sharedSessions.get(values.random().nextInt(size));
    }

    private String pickColumn(String... columns) {
        return columns[values.random().nextInt(columns.length)];
    }

    private String pick(List<String> list) {
        return list.get(values.random().nextInt(list.size()));
    }

    private static void replace(List<String> list, String old, String replacement) {
        int index = list.indexOf(old);
        if (index >= 0) {
            list.set(index, replacement);
        }
    }
}
