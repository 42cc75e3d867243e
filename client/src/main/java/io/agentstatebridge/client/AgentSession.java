package io.agentstatebridge.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;

/**
 * A session row: one conversation or run of an agent.
 *
 * @param userId    null when no user is involved
 * @param startedAt null when starting a session: the source database's clock
 * @param metadata  free-form JSON, or null
 */
public record AgentSession(String sessionId, String agentId, String userId, String agentType, Instant startedAt,
                           JsonNode metadata) {
    public AgentSession {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(agentType, "agentType");
    }

    /** A session starting now, without user or metadata. */
    public static AgentSession start(String sessionId, String agentId, String agentType) {
        return new AgentSession(sessionId, agentId, null, agentType, null, null);
    }
}
