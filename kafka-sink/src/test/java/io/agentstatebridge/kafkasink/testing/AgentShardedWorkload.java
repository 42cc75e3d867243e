package io.agentstatebridge.kafkasink.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random source transactions over a fleet sharded by agent, as the sink's partitioning assumes:
 * sessions and events belong to one agent for life (agent_id never changes, an event's session is
 * one of its agent's), every other column and both primary keys change. Transactions touch one to
 * three agents, so one source transaction spans partitions. Inserts, updates (large out-of-line
 * payloads left unchanged included), key changes and deletes; no TRUNCATE. Deterministic per seed.
 */
public final class AgentShardedWorkload {
    private static final List<String> EVENT_TYPES = List.of("session_started", "message_received", "tool_called",
            "tool_result", "decision_made", "error_occurred", "task_completed", "session_ended", "agent_paused");
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final Random random;
    private final String prefix;
    private final int agents;
    private final Map<String, List<String>> sessions = new HashMap<>();
    private final Map<String, List<String>> events = new HashMap<>();
    private int nextId;

    /** @param prefix keeps agents, sessions and events of different sources apart */
    public AgentShardedWorkload(long seed, String prefix, int agents) {
        this.random = new Random(seed);
        this.prefix = prefix;
        this.agents = agents;
    }

    /** Commits one random transaction of 1 to 8 changes on 1 to 3 agents. */
    public void commitOne(Connection source) throws SQLException {
        source.setAutoCommit(false);
        try {
            int touched = 1 + random.nextInt(3);
            int changes = 1 + random.nextInt(8);
            List<String> chosen = new ArrayList<>();
            for (int i = 0; i < touched; i++) {
                chosen.add(agentName(random.nextInt(agents)));
            }
            for (int i = 0; i < changes; i++) {
                change(source, chosen.get(random.nextInt(chosen.size())));
            }
            source.commit();
        } catch (SQLException | RuntimeException e) {
            source.rollback();
            throw e;
        }
    }

    public String agentName(int index) {
        return prefix + "agent-" + index;
    }

    private void change(Connection source, String agent) throws SQLException {
        List<String> agentSessions = sessions.computeIfAbsent(agent, a -> new ArrayList<>());
        List<String> agentEvents = events.computeIfAbsent(agent, a -> new ArrayList<>());
        int dice = random.nextInt(100);
        if (dice < 12 || agentSessions.isEmpty()) {
            String session = prefix + "sess-" + (nextId++);
            execute(source, "INSERT INTO public.agent_sessions (session_id, agent_id, user_id, agent_type, started_at, metadata) "
                    + "VALUES (?, ?, ?, ?, ?::timestamptz, ?::jsonb)", session, agent,
                    random.nextBoolean() ? "user-" + random.nextInt(4) : null, random.nextBoolean() ? "planner" : "coder",
                    timestamp(), random.nextBoolean() ? null : "{\"region\": \"eu\"}");
            agentSessions.add(session);
        } else if (dice < 62 || agentEvents.isEmpty()) {
            String event = prefix + "evt-" + (nextId++);
            execute(source, "INSERT INTO public.agent_events (event_id, agent_id, session_id, event_type, payload, created_at) "
                    + "VALUES (?, ?, ?, ?, ?::jsonb, ?::timestamptz)", event, agent, pick(agentSessions), pick(EVENT_TYPES),
                    payload(), timestamp());
            agentEvents.add(event);
        } else if (dice < 82) {
            String event = pick(agentEvents);
            switch (random.nextInt(5)) {
                case 0 -> {
                    String renamed = prefix + "evt-" + (nextId++);
                    execute(source, "UPDATE public.agent_events SET event_id = ? WHERE event_id = ?", renamed, event);
                    agentEvents.set(agentEvents.indexOf(event), renamed);
                }
                case 1 -> execute(source, "UPDATE public.agent_events SET session_id = ? WHERE event_id = ?", pick(agentSessions), event);
                case 2 -> execute(source, "UPDATE public.agent_events SET created_at = ?::timestamptz WHERE event_id = ?", timestamp(), event);
                case 3 -> execute(source, "UPDATE public.agent_events SET event_type = ? WHERE event_id = ?", pick(EVENT_TYPES), event);
                default -> execute(source, "UPDATE public.agent_events SET payload = ?::jsonb WHERE event_id = ?", payload(), event);
            }
        } else if (dice < 90) {
            String event = agentEvents.remove(random.nextInt(agentEvents.size()));
            execute(source, "DELETE FROM public.agent_events WHERE event_id = ?", event);
        } else if (dice < 97) {
            String session = pick(agentSessions);
            switch (random.nextInt(4)) {
                case 0 -> {
                    String renamed = prefix + "sess-" + (nextId++);
                    execute(source, "UPDATE public.agent_sessions SET session_id = ? WHERE session_id = ?", renamed, session);
                    agentSessions.set(agentSessions.indexOf(session), renamed);
                }
                case 1 -> execute(source, "UPDATE public.agent_sessions SET agent_type = ? WHERE session_id = ?",
                        random.nextBoolean() ? "planner" : "coder", session);
                case 2 -> execute(source, "UPDATE public.agent_sessions SET user_id = ? WHERE session_id = ?", "user-" + random.nextInt(5), session);
                default -> execute(source, "UPDATE public.agent_sessions SET started_at = ?::timestamptz WHERE session_id = ?", timestamp(), session);
            }
        } else {
            String session = agentSessions.remove(random.nextInt(agentSessions.size()));
            execute(source, "DELETE FROM public.agent_sessions WHERE session_id = ?", session);
        }
    }

    private static void execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }

    /** Microsecond timestamps in a narrow window, so ties on created_at are common. */
    private String timestamp() {
        return EPOCH.plus(random.nextInt(400) * 250_000L + random.nextInt(2), ChronoUnit.MICROS).toString();
    }

    private String payload() {
        return switch (random.nextInt(7)) {
            case 0 -> null;
            // Incompressible and large: stored out of line, so UPDATEs that leave it alone do not send it.
            case 1 -> "{\"token_count\": " + random.nextInt(5000) + ", \"text\": \"" + incompressible(6000) + "\"}";
            case 2 -> "{\"token_count\": null}";
            case 3 -> "{\"tool\": \"search\", \"args\": {\"q\": \"weather\"}}";
            case 4 -> "[1, 2, 3]";
            default -> "{\"token_count\": " + (random.nextInt(2000) - 100) + ", \"latency_ms\": 12.5}";
        };
    }

    private String incompressible(int length) {
        StringBuilder text = new StringBuilder(length);
        Random noise = new Random(random.nextLong());
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + noise.nextInt(26)));
        }
        return text.toString();
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
