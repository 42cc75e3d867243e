package io.agentstatebridge.client;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Point lookups on the read side. Each read shows the state the bridge has applied so far; to
 * see a particular write, wait for its token first: {@code reader.after(token, timeout).currentState(agent)}.
 */
public final class StateReader {
    private final DataSource target;
    private final String bridgeName;

    /** @param bridgeName the bridge feeding this read side; null when only one does */
    StateReader(DataSource target, String bridgeName) {
        this.target = Objects.requireNonNull(target, "target");
        this.bridgeName = bridgeName;
    }

    /**
     * Waits until the read side shows everything committed before {@code token}.
     *
     * @return the position the read side had reached, at or past the token
     * @throws ReadSideBehindException when {@code timeout} passes first
     */
    public ConsistencyToken awaitApplied(ConsistencyToken token, Duration timeout) {
        long millis = Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
        try (Connection connection = target.getConnection();
             PreparedStatement await = connection.prepareStatement(ClientSql.AWAIT_APPLIED)) {
            await.setString(1, token.lsn());
            await.setInt(2, (int) millis);
            if (bridgeName == null) {
                await.setNull(3, Types.VARCHAR);
            } else {
                await.setString(3, bridgeName);
            }
            try (ResultSet rs = await.executeQuery()) {
                rs.next();
                return ConsistencyToken.parse(rs.getString(1));
            }
        } catch (SQLException e) {
            if (ReadSideBehindException.SQL_STATE.equals(e.getSQLState())) {
                throw new ReadSideBehindException(token, e);
            }
            throw new AgentStateException("waiting for the read side failed", e);
        }
    }

    /** This reader, once the read side shows everything committed before {@code token}. */
    public StateReader after(ConsistencyToken token, Duration timeout) {
        awaitApplied(token, timeout);
        return this;
    }

    public Optional<AgentState> currentState(String agentId) {
        List<AgentState> rows = query(ClientSql.CURRENT_STATE, agentId, null, rs -> new AgentState(
                rs.getString("agent_id"), rs.getString("session_id"), rs.getString("last_event_type"),
                ClientSql.json(rs, "payload"), ClientSql.instant(rs, "last_event_at"), rs.getString("agent_type"),
                rs.getString("user_id"), ClientSql.instant(rs, "session_started_at")));
        return rows.stream().findFirst();
    }

    /** One summary per agent that wrote in the session (nearly always one). */
    public List<SessionSummary> sessionSummaries(String sessionId) {
        return query(ClientSql.SESSION_SUMMARIES, sessionId, null, rs -> new SessionSummary(
                rs.getString("session_id"), rs.getString("agent_id"), rs.getLong("total_events"),
                rs.getLong("user_messages"), rs.getLong("tool_calls"), rs.getLong("decisions"), rs.getLong("errors"),
                ClientSql.instant(rs, "first_event_at"), ClientSql.instant(rs, "latest_event_at"),
                seconds(rs.getBigDecimal("duration_seconds")), rs.getLong("total_tokens_used")));
    }

    public Optional<SessionSummary> sessionSummary(String sessionId, String agentId) {
        return sessionSummaries(sessionId).stream().filter(s -> s.agentId().equals(agentId)).findFirst();
    }

    /** One row per agent that wrote in the session (nearly always one). */
    public List<TaskProgress> taskProgress(String sessionId) {
        return query(ClientSql.TASK_PROGRESS, sessionId, null, rs -> new TaskProgress(
                rs.getString("session_id"), rs.getString("agent_id"), rs.getLong("decisions_made"),
                rs.getLong("tools_invoked"), rs.getLong("tasks_completed"), rs.getBoolean("had_error"),
                rs.getBoolean("is_closed"), ClientSql.instant(rs, "last_decision_at")));
    }

    /** The session's newest {@code limit} events, newest first. */
    public List<AgentEvent> recentEvents(String sessionId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return query(ClientSql.RECENT_EVENTS, sessionId, limit, rs -> new AgentEvent(
                rs.getString("event_id"), rs.getString("agent_id"), rs.getString("session_id"),
                rs.getString("event_type"), ClientSql.json(rs, "payload"), ClientSql.instant(rs, "created_at")));
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, String key, Integer limit, RowMapper<T> mapper) {
        try (Connection connection = target.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, key);
            if (limit != null) {
                query.setInt(2, limit);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new AgentStateException("reading the read side failed", e);
        }
    }

    private static Duration seconds(BigDecimal seconds) {
        BigDecimal micros = seconds.movePointRight(6);
        return Duration.ofNanos(micros.longValueExact() * 1000);
    }
}
