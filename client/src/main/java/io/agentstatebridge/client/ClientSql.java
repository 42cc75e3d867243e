package io.agentstatebridge.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The client's statements (kept in the sql module) and the conversions its rows need. */
final class ClientSql {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String APPEND_EVENT = load("append_event.sql");
    static final String START_SESSION = load("start_session.sql");
    static final String UPDATE_SESSION = load("update_session.sql");
    static final String COMMIT_TOKEN = load("commit_token.sql");
    static final String AWAIT_APPLIED = load("await_applied.sql");
    static final String CURRENT_STATE = load("current_state.sql");
    static final String SESSION_SUMMARIES = load("session_summaries.sql");
    static final String TASK_PROGRESS = load("task_progress.sql");
    static final String RECENT_EVENTS = load("recent_events.sql");

    private ClientSql() {
    }

    private static String load(String name) {
        String path = "/io/agentstatebridge/sql/client/" + name;
        try (InputStream in = ClientSql.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the classpath: add agent-state-bridge-sql");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String jsonText(JsonNode node) {
        if (node == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload cannot be written as JSON", e);
        }
    }

    static JsonNode json(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " holds invalid JSON", e);
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
