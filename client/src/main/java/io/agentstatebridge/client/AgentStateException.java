package io.agentstatebridge.client;

import java.sql.SQLException;

/** A database call of the client failed; {@link #sqlState()} tells PostgreSQL's reason when there is one. */
public class AgentStateException extends RuntimeException {
    private final String sqlState;

    public AgentStateException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
        this.sqlState = cause.getSQLState();
    }

    protected AgentStateException(String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }
}
