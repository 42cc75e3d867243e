package io.agentstatebridge.client;

import java.sql.SQLException;

/**
 * The read side did not reach a consistency token within the timeout: reading now could miss the
 * writer's own events, so the client says so instead of returning a stale answer.
 */
public final class ReadSideBehindException extends AgentStateException {
    /** The SQLSTATE agent_state_bridge.await_applied raises on timeout. */
    static final String SQL_STATE = "ASB01";

    private final ConsistencyToken token;

    ReadSideBehindException(ConsistencyToken token, SQLException cause) {
        super(cause.getMessage(), SQL_STATE, cause);
        this.token = token;
    }

    public ConsistencyToken token() {
        return token;
    }
}
