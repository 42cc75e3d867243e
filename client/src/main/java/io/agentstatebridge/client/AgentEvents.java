package io.agentstatebridge.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.UUID;

/**
 * Builds the common events of one agent in one session, with their payloads as JSON and fresh
 * event ids: {@code AgentEvents.of("agent-7", "session-42").toolCalled("search", args)}.
 */
public final class AgentEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String agentId;
    private final String sessionId;

    private AgentEvents(String agentId, String sessionId) {
        this.agentId = Objects.requireNonNull(agentId, "agentId");
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
    }

    public static AgentEvents of(String agentId, String sessionId) {
        return new AgentEvents(agentId, sessionId);
    }

    /** A user message; {@code tokenCount} feeds session_summary.total_tokens_used. */
    public AgentEvent messageReceived(String text, int tokenCount) {
        return event(EventType.MESSAGE_RECEIVED, payload().put("text", text).put("token_count", tokenCount));
    }

    public AgentEvent toolCalled(String tool, JsonNode arguments) {
        ObjectNode payload = payload().put("tool", tool);
        payload.set("arguments", arguments);
        return event(EventType.TOOL_CALLED, payload);
    }

    public AgentEvent decisionMade(String decision, String reason) {
        return event(EventType.DECISION_MADE, payload().put("decision", decision).put("reason", reason));
    }

    public AgentEvent taskCompleted(String task) {
        return event(EventType.TASK_COMPLETED, payload().put("task", task));
    }

    public AgentEvent errorOccurred(String message) {
        return event(EventType.ERROR_OCCURRED, payload().put("message", message));
    }

    public AgentEvent sessionEnded() {
        return event(EventType.SESSION_ENDED, null);
    }

    public AgentEvent event(EventType type, JsonNode payload) {
        return custom(type.wireName(), payload);
    }

    /** An event of a type the projections do not count specifically. */
    public AgentEvent custom(String eventType, JsonNode payload) {
        return new AgentEvent(UUID.randomUUID().toString(), agentId, sessionId, eventType, payload, null);
    }

    private static ObjectNode payload() {
        return JSON.createObjectNode();
    }
}
