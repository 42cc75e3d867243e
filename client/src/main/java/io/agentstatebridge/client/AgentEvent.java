package io.agentstatebridge.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the event log.
 *
 * @param eventType  an {@link EventType} wire name or any other non-empty verb
 * @param payload    free-form JSON, or null; a {@code token_count} member must be an integer
 * @param createdAt  null when appending: the source database's clock as the row is written, so events
 *                   appended in one transaction keep their order (agent_current_state shows the last)
 */
public record AgentEvent(String eventId, String agentId, String sessionId, String eventType, JsonNode payload,
                         Instant createdAt) {
    public AgentEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(eventType, "eventType");
        if (eventType.isBlank()) {
            throw new IllegalArgumentException("eventType must not be empty; use a verb such as "
                    + EventType.TOOL_CALLED.wireName());
        }
    }
}
