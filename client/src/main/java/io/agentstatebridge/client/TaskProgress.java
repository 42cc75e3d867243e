package io.agentstatebridge.client;

import java.time.Instant;

/** A row of agent_task_progress: how far one agent got in one session. */
public record TaskProgress(String sessionId, String agentId, long decisionsMade, long toolsInvoked,
                           long tasksCompleted, boolean hadError, boolean isClosed, Instant lastDecisionAt) {
}
