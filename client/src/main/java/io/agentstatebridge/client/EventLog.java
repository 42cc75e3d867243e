package io.agentstatebridge.client;

import com.fasterxml.jackson.databind.JsonNode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/**
 * Writes to the source: events appended to the log, sessions started and updated.
 *
 * <p>Every write comes in two forms. With a {@link Connection} it joins the caller's transaction
 * and commits nothing, so an agent can record its events atomically with its other state; the
 * caller commits, then asks {@link #tokenAfterCommit(Connection)} for the token. Without one it
 * runs in its own transaction on a pooled connection and returns the token directly.
 */
public final class EventLog {
    private final DataSource source;

    EventLog(DataSource source) {
        this.source = Objects.requireNonNull(source, "source");
    }

    /** Work run in one source transaction by {@link #inTransaction}. */
    @FunctionalInterface
    public interface TransactionWork {
        void run(Connection transaction) throws SQLException;
    }

    public ConsistencyToken append(AgentEvent event) {
        return inTransaction(transaction -> append(transaction, event));
    }

    /** All events in one transaction: readers see all of them or none. */
    public ConsistencyToken appendAll(List<AgentEvent> events) {
        return inTransaction(transaction -> appendAll(transaction, events));
    }

    public ConsistencyToken startSession(AgentSession session) {
        return inTransaction(transaction -> startSession(transaction, session));
    }

    /**
     * Sets the session's user (unless null) and merges {@code metadataPatch}'s top-level keys into
     * its metadata (unless null).
     *
     * @throws IllegalArgumentException when there is no such session
     */
    public ConsistencyToken updateSession(String sessionId, String userId, JsonNode metadataPatch) {
        return inTransaction(transaction -> {
            if (!updateSession(transaction, sessionId, userId, metadataPatch)) {
                throw new IllegalArgumentException("no session " + sessionId + " to update: start it first");
            }
        });
    }

    public void append(Connection transaction, AgentEvent event) throws SQLException {
        appendAll(transaction, List.of(event));
    }

    public void appendAll(Connection transaction, List<AgentEvent> events) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement(ClientSql.APPEND_EVENT)) {
            for (AgentEvent event : events) {
                insert.setString(1, event.eventId());
                insert.setString(2, event.agentId());
                insert.setString(3, event.sessionId());
                insert.setString(4, event.eventType());
                insert.setString(5, ClientSql.jsonText(event.payload()));
                insert.setObject(6, ClientSql.timestamp(event.createdAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    public void startSession(Connection transaction, AgentSession session) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement(ClientSql.START_SESSION)) {
            insert.setString(1, session.sessionId());
            insert.setString(2, session.agentId());
            insert.setString(3, session.userId());
            insert.setString(4, session.agentType());
            insert.setObject(5, ClientSql.timestamp(session.startedAt()));
            insert.setString(6, ClientSql.jsonText(session.metadata()));
            insert.executeUpdate();
        }
    }

    /** @return false when there is no such session */
    public boolean updateSession(Connection transaction, String sessionId, String userId, JsonNode metadataPatch)
            throws SQLException {
        if (metadataPatch != null && !metadataPatch.isObject()) {
            throw new IllegalArgumentException("a metadata patch is a JSON object whose keys replace the session's");
        }
        try (PreparedStatement update = transaction.prepareStatement(ClientSql.UPDATE_SESSION)) {
            update.setString(1, userId);
            update.setString(2, ClientSql.jsonText(metadataPatch));
            update.setString(3, sessionId);
            return update.executeUpdate() == 1;
        }
    }

    /**
     * The token covering everything this connection has committed. Call it after the commit:
     * inside a transaction that has written, the writes are not committed yet and no token can
     * cover them, so this refuses.
     */
    public ConsistencyToken tokenAfterCommit(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(ClientSql.COMMIT_TOKEN);
             ResultSet rs = query.executeQuery()) {
            rs.next();
            if (rs.getBoolean(2)) {
                throw new IllegalStateException("this connection's transaction has uncommitted writes; "
                        + "commit first, then take the token");
            }
            return ConsistencyToken.parse(rs.getString(1));
        }
    }

    /** Runs {@code work} in one transaction on a pooled connection, commits, and returns its token. */
    public ConsistencyToken inTransaction(TransactionWork work) {
        try (Connection connection = source.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                work.run(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
            return tokenAfterCommit(connection);
        } catch (SQLException e) {
            throw new AgentStateException("writing to the source failed", e);
        }
    }
}
