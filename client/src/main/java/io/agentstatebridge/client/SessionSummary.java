package io.agentstatebridge.client;

import java.time.Duration;
import java.time.Instant;

/** A row of session_summary: one agent's activity in one session. */
public record SessionSummary(String sessionId, String agentId, long totalEvents, long userMessages, long toolCalls,
                             long decisions, long errors, Instant firstEventAt, Instant latestEventAt,
                             Duration sessionDuration, long totalTokensUsed) {
}
