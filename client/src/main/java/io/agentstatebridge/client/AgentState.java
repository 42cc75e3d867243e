package io.agentstatebridge.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/** A row of agent_current_state: an agent's latest event with its session. */
public record AgentState(String agentId, String sessionId, String lastEventType, JsonNode payload,
                         Instant lastEventAt, String agentType, String userId, Instant sessionStartedAt) {
}
