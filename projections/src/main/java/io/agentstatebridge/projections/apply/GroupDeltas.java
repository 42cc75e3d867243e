package io.agentstatebridge.projections.apply;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.agentstatebridge.projections.change.PgTimestamp;
import io.agentstatebridge.projections.change.Row;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The net change a batch makes to each (session_id, agent_id) group of session_summary and
 * agent_task_progress, computed in the bridge rather than row by row in SQL: the read side then
 * receives one row per group instead of one per event.
 *
 * <p>Only rows whose every value has an unambiguous meaning are folded here. A token_count that
 * is not a plain integer, or a timestamp that cannot be read, leaves the whole batch to the SQL
 * statement that evaluates the definitions' own casts ({@link #of} returns empty).
 */
final class GroupDeltas {
    private static final JsonFactory JSON = new JsonFactory();
    /**
     * Text PostgreSQL's int4 input accepts that needs no further thought: at most 9 digits, and only
     * the ASCII whitespace the input function skips (never Unicode spaces, whatever the locale).
     */
    private static final Pattern PLAIN_INT = Pattern.compile("[ \\t\\n\\x0B\\f\\r]*[+-]?[0-9]{1,9}[ \\t\\n\\x0B\\f\\r]*");

    /** What one group gains or loses; first/latest/flags describe additions only. */
    static final class Delta {
        final String sessionId;
        final String agentId;
        long totalEvents;
        long userMessages;
        long toolCalls;
        long decisions;
        long errors;
        long tasksCompleted;
        long tokens;
        PgTimestamp addedFirst;
        PgTimestamp addedLatest;
        boolean addedError;
        boolean addedClosed;
        PgTimestamp addedLastDecision;
        boolean lostEvents;

        Delta(String sessionId, String agentId) {
            this.sessionId = sessionId;
            this.agentId = agentId;
        }
    }

    private GroupDeltas() {
    }

    /** Per-group deltas of removing {@code retracted} and adding {@code added}, or empty if not plain. */
    static Optional<Collection<Delta>> of(Collection<Row> retracted, Collection<Row> added) {
        Map<List<String>, Delta> groups = new LinkedHashMap<>();
        for (Row row : retracted) {
            if (!fold(groups, row, -1)) {
                return Optional.empty();
            }
        }
        for (Row row : added) {
            if (!fold(groups, row, 1)) {
                return Optional.empty();
            }
        }
        return Optional.of(groups.values());
    }

    private static boolean fold(Map<List<String>, Delta> groups, Row row, int sign) {
        Integer tokens = tokenCount(row.get("payload"));
        PgTimestamp createdAt = PgTimestamp.parseOrNull(row.get("created_at"));
        if (tokens == null || createdAt == null) {
            return false;
        }
        String sessionId = row.get("session_id");
        String agentId = row.get("agent_id");
        Delta delta = groups.computeIfAbsent(List.of(sessionId, agentId), k -> new Delta(sessionId, agentId));
        String type = row.get("event_type");
        delta.totalEvents += sign;
        delta.tokens += (long) sign * tokens;
        switch (type) {
            case "message_received" -> delta.userMessages += sign;
            case "tool_called" -> delta.toolCalls += sign;
            case "decision_made" -> delta.decisions += sign;
            case "error_occurred" -> delta.errors += sign;
            case "task_completed" -> delta.tasksCompleted += sign;
            default -> { }
        }
        if (sign < 0) {
            delta.lostEvents = true;
            return true;
        }
        delta.addedFirst = delta.addedFirst == null || createdAt.compareTo(delta.addedFirst) < 0 ? createdAt : delta.addedFirst;
        delta.addedLatest = delta.addedLatest == null || createdAt.compareTo(delta.addedLatest) > 0 ? createdAt : delta.addedLatest;
        delta.addedError |= type.equals("error_occurred");
        delta.addedClosed |= type.equals("session_ended");
        if (type.equals("decision_made")
                && (delta.addedLastDecision == null || createdAt.compareTo(delta.addedLastDecision) > 0)) {
            delta.addedLastDecision = createdAt;
        }
        return true;
    }

    /**
     * COALESCE((payload ->> 'token_count')::INT, 0) for the plain cases; null when only PostgreSQL
     * can tell (the value might not cast, or casts by rules not reproduced here).
     */
    static Integer tokenCount(String payload) {
        if (payload == null) {
            return 0;
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return 0; // ->> on an array or a scalar yields NULL
            }
            JsonToken token;
            Integer count = 0;
            boolean seen = false;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!field.equals("token_count")) {
                    parser.skipChildren();
                    continue;
                }
                if (seen) {
                    return null; // a key given twice: which one counts depends on the column's type
                }
                seen = true;
                if (value == JsonToken.VALUE_NULL) {
                    count = 0;
                } else if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
                    count = parser.getIntValue();
                } else if (value == JsonToken.VALUE_STRING && PLAIN_INT.matcher(parser.getText()).matches()) {
                    count = Integer.parseInt(parser.getText().strip());
                } else {
                    return null;
                }
            }
            return token == JsonToken.END_OBJECT ? count : null;
        } catch (IOException e) {
            return null;
        }
    }

}
