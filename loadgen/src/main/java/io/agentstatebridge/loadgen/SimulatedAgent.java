package io.agentstatebridge.loadgen;

import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * One agent's behaviour: a session at a time, each a plausible sequence of events. Deterministic
 * for a given seed, apart from the generated identifiers.
 */
final class SimulatedAgent {
    sealed interface Write permits SessionStart, Event { }

    record SessionStart(String sessionId, String agentId, String userId, String agentType, String metadata) implements Write { }

    record Event(String eventId, String agentId, String sessionId, String eventType, String payload) implements Write { }

    private static final String[] AGENT_TYPES = {"support", "coder", "researcher", "planner"};
    private static final String[] TOOLS = {"search", "calculator", "crm_lookup", "send_email", "run_sql"};

    private final String agentId;
    private final SplittableRandom random;
    private String sessionId;
    private int eventsLeftInSession;
    private boolean paused;

    SimulatedAgent(String agentId, long seed) {
        this.agentId = agentId;
        this.random = new SplittableRandom(seed);
    }

    /** The next thing this agent writes: one event, preceded by a session row when one starts. */
    List<Write> nextWrites() {
        if (sessionId == null) {
            sessionId = "sess-" + UUID.randomUUID();
            eventsLeftInSession = 10 + random.nextInt(60);
            String agentType = AGENT_TYPES[random.nextInt(AGENT_TYPES.length)];
            SessionStart start = new SessionStart(sessionId, agentId, "user-" + random.nextInt(1000), agentType,
                    "{\"channel\": \"" + (random.nextBoolean() ? "web" : "api") + "\"}");
            return List.of(start, event("session_started", "{\"agent_type\": \"" + agentType + "\"}"));
        }
        if (--eventsLeftInSession <= 0) {
            String session = sessionId;
            sessionId = null;
            return List.of(new Event(UUID.randomUUID().toString(), agentId, session, "session_ended",
                    "{\"reason\": \"" + (random.nextInt(10) == 0 ? "timeout" : "completed") + "\"}"));
        }
        if (paused) {
            paused = false;
            return List.of(event("agent_resumed", null));
        }
        int dice = random.nextInt(100);
        if (dice < 30) {
            return List.of(event("message_received", "{\"token_count\": " + (20 + random.nextInt(800))
                    + ", \"role\": \"user\"}"));
        } else if (dice < 52) {
            return List.of(event("tool_called", "{\"tool\": \"" + TOOLS[random.nextInt(TOOLS.length)]
                    + "\", \"token_count\": " + (5 + random.nextInt(120)) + "}"));
        } else if (dice < 70) {
            return List.of(event("tool_result", "{\"status\": \"ok\", \"latency_ms\": " + random.nextInt(2000) + "}"));
        } else if (dice < 88) {
            return List.of(event("decision_made", "{\"action\": \"reply\", \"confidence\": 0."
                    + (10 + random.nextInt(89)) + ", \"token_count\": " + (50 + random.nextInt(400)) + "}"));
        } else if (dice < 92) {
            return List.of(event("error_occurred", "{\"error\": \"tool timeout\", \"retryable\": true}"));
        } else if (dice < 98) {
            return List.of(event("task_completed", "{\"task\": \"answer\", \"token_count\": " + random.nextInt(50) + "}"));
        }
        paused = true;
        return List.of(event("agent_paused", null));
    }

    private Event event(String type, String payload) {
        return new Event(UUID.randomUUID().toString(), agentId, sessionId, type, payload);
    }
}
