package io.agentstatebridge.projections;

import io.agentstatebridge.projections.change.SourceTable;
import io.agentstatebridge.projections.testing.ProjectionHarness;
import io.agentstatebridge.projections.testing.RecordingSource;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;

/**
 * A seeded random mix of every change kind (insert, update of every column including keys and
 * grouping columns, delete, truncate, unchanged TOAST values, ties, NULL and large payloads),
 * applied in random batch sizes; after every batch the read side must equal the definitions
 * evaluated on the write side. Replay a failure with -Dprojections.seed=SEED.
 */
class RandomizedProjectionTest {
    private static final List<String> EVENT_TYPES = List.of("session_started", "message_received", "tool_called",
            "tool_result", "decision_made", "error_occurred", "task_completed", "session_ended", "agent_paused");
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void projectionsEqualTheirDefinitionsAfterEveryBatchOfRandomChanges() throws Exception {
        long seed = Long.getLong("projections.seed", System.nanoTime());
        int operations = Integer.getInteger("projections.operations", 1500);
        try (ProjectionHarness harness = new ProjectionHarness("randomized")) {
            run(harness, new Random(seed), operations, seed);
        } catch (AssertionError | SQLException e) {
            throw new AssertionError("randomized projection test failed; replay with -Dprojections.seed=" + seed, e);
        }
    }

    private static void run(ProjectionHarness harness, Random random, int operations, long seed) throws SQLException {
        RecordingSource source = harness.source();
        int nextEvent = 0;
        int nextSession = 0;
        int batchEnd = 1 + random.nextInt(40);
        for (int op = 1; op <= operations; op++) {
            int dice = random.nextInt(1000);
            String agent = "agent-" + random.nextInt(6);
            if (dice < 120) {
                source.insertSession("sess-" + (nextSession++), agent, random.nextBoolean() ? "user-" + random.nextInt(3) : null,
                        random.nextBoolean() ? "support" : "coder", timestamp(random));
            } else if (dice < 620) {
                String session = "sess-" + random.nextInt(nextSession + 2); // sometimes a session that does not exist
                source.insertEvent("evt-" + (nextEvent++), agent, session, pick(random, EVENT_TYPES), payload(random), timestamp(random));
            } else if (dice < 820 && nextEvent > 0) {
                String event = "evt-" + random.nextInt(nextEvent);
                switch (random.nextInt(6)) {
                    case 0 -> source.updateEvent(event, "event_id", "evt-" + (nextEvent++), false);
                    case 1 -> source.updateEvent(event, "agent_id", agent, random.nextBoolean());
                    case 2 -> source.updateEvent(event, "session_id", "sess-" + random.nextInt(nextSession + 1), random.nextBoolean());
                    case 3 -> source.updateEvent(event, "created_at", timestamp(random), random.nextBoolean());
                    case 4 -> source.updateEvent(event, "event_type", pick(random, EVENT_TYPES), random.nextBoolean());
                    default -> source.updateEvent(event, "payload", payload(random), false);
                }
            } else if (dice < 900 && nextEvent > 0) {
                source.deleteEvent("evt-" + random.nextInt(nextEvent));
            } else if (dice < 950 && nextSession > 0) {
                String session = "sess-" + random.nextInt(nextSession);
                switch (random.nextInt(4)) {
                    case 0 -> source.updateSession(session, "session_id", "sess-" + (nextSession++));
                    case 1 -> source.updateSession(session, "agent_type", random.nextBoolean() ? "planner" : "coder");
                    case 2 -> source.updateSession(session, "user_id", "user-" + random.nextInt(5));
                    default -> source.updateSession(session, "started_at", timestamp(random));
                }
            } else if (dice < 990 && nextSession > 0) {
                source.deleteSession("sess-" + random.nextInt(nextSession));
            } else if (dice < 995) {
                source.truncate(SourceTable.AGENT_EVENTS);
            } else {
                source.truncate(SourceTable.AGENT_SESSIONS);
            }
            if (op == batchEnd || op == operations) {
                harness.applyRecorded();
                harness.assertReadSideMatchesDefinitions("seed " + seed + ", after operation " + op);
                batchEnd = op + 1 + random.nextInt(random.nextInt(10) == 0 ? 300 : 40);
            }
        }
    }

    /** Microsecond timestamps in a narrow window, so equal created_at values (ties) are common. */
    private static String timestamp(Random random) {
        return EPOCH.plus(random.nextInt(400) * 250_000L, ChronoUnit.MICROS).toString();
    }

    private static String payload(Random random) {
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

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
