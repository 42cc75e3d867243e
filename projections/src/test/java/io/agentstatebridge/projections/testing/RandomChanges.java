package io.agentstatebridge.projections.testing;

import io.agentstatebridge.projections.change.SourceTable;

import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;

/**
 * Random changes of every kind to a write side: session and event inserts (some into sessions
 * that do not exist), updates of every column including keys and grouping columns, deletes, rare
 * truncates; ties on created_at, out-of-order timestamps, NULL, non-object and TOAST-sized payloads.
 * Deterministic for a given {@link Random}.
 */
public final class RandomChanges {
    private static final List<String> EVENT_TYPES = List.of("session_started", "message_received", "tool_called",
            "tool_result", "decision_made", "error_occurred", "task_completed", "session_ended", "agent_paused");
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final RecordingSource source;
    private final Random random;
    private final int truncatePerMille;
    private int nextEvent;
    private int nextSession;

    public RandomChanges(RecordingSource source, Random random, int truncatePerMille) {
        this.source = source;
        this.random = random;
        this.truncatePerMille = truncatePerMille;
    }

    /** Performs one random change on the write side. */
    public void next() throws SQLException {
        int dice = random.nextInt(1000 - 10 + truncatePerMille);
        String agent = "agent-" + random.nextInt(6);
        if (dice < 120) {
            source.insertSession("sess-" + (nextSession++), agent, random.nextBoolean() ? "user-" + random.nextInt(3) : null,
                    random.nextBoolean() ? "support" : "coder", timestamp());
        } else if (dice < 620) {
            String session = "sess-" + random.nextInt(nextSession + 2); // sometimes a session that does not exist
            source.insertEvent("evt-" + (nextEvent++), agent, session, pick(EVENT_TYPES), payload(), timestamp());
        } else if (dice < 820 && nextEvent > 0) {
            String event = "evt-" + random.nextInt(nextEvent);
            switch (random.nextInt(6)) {
                case 0 -> source.updateEvent(event, "event_id", "evt-" + (nextEvent++), false);
                case 1 -> source.updateEvent(event, "agent_id", agent, random.nextBoolean());
                case 2 -> source.updateEvent(event, "session_id", "sess-" + random.nextInt(nextSession + 1), random.nextBoolean());
                case 3 -> source.updateEvent(event, "created_at", timestamp(), random.nextBoolean());
                case 4 -> source.updateEvent(event, "event_type", pick(EVENT_TYPES), random.nextBoolean());
                default -> source.updateEvent(event, "payload", payload(), false);
            }
        } else if (dice < 900 && nextEvent > 0) {
            source.deleteEvent("evt-" + random.nextInt(nextEvent));
        } else if (dice < 950 && nextSession > 0) {
            String session = "sess-" + random.nextInt(nextSession);
            switch (random.nextInt(4)) {
                case 0 -> source.updateSession(session, "session_id", "sess-" + (nextSession++));
                case 1 -> source.updateSession(session, "agent_type", random.nextBoolean() ? "planner" : "coder");
                case 2 -> source.updateSession(session, "user_id", "user-" + random.nextInt(5));
                default -> source.updateSession(session, "started_at", timestamp());
            }
        } else if (dice < 990 && nextSession > 0) {
            source.deleteSession("sess-" + random.nextInt(nextSession));
        } else if (dice >= 990) {
            source.truncate(random.nextInt(2) == 0 ? SourceTable.AGENT_EVENTS : SourceTable.AGENT_SESSIONS);
        } else {
            source.insertSession("sess-" + (nextSession++), agent, null, "coder", timestamp());
        }
    }

    /** Microsecond timestamps in a narrow window, so equal created_at values (ties) are common. */
    private String timestamp() {
        return EPOCH.plus(random.nextInt(400) * 250_000L + random.nextInt(2), ChronoUnit.MICROS).toString();
    }

    private String payload() {
        return switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> "{\"token_count\": " + random.nextInt(5000) + ", \"text\": \"" + "x".repeat(9000) + "\"}";
            case 2 -> "{\"token_count\": null}";
            case 3 -> "{\"token_count\": \"" + random.nextInt(100) + "\"}";
            case 4 -> "{\"tool\": \"search\", \"args\": {\"q\": \"weather\"}}";
            case 5 -> "[1, 2, 3]";
            default -> "{\"token_count\": " + (random.nextInt(2000) - 100) + ", \"latency_ms\": 12.5}";
        };
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
