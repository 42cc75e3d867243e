package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeConnectionKiller;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bridge loses its source sessions in the middle of the snapshot, while the source keeps
 * changing: rows it had already copied are deleted before the snapshot is taken again. No row of
 * the interrupted attempt may stay on the read side, and readers must never see part of one.
 *
 * <p>Issue 10, item 4 (the snapshot is now a bulk copy on a fresh slot, taken whole or not at all).
 */
class SnapshotRestartIT {
    private static final int EVENTS = 200_000;

    @Test
    void rowsDeletedBetweenTwoSnapshotAttemptsLeaveTheReadSide() throws Exception {
        try (TwoServers servers = TwoServers.start(false)) {
            BridgeDatabases databases = servers.databases("snapshot_restart");
            try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
                statement.execute("INSERT INTO agent_sessions (session_id, agent_id, agent_type) "
                        + "SELECT 's' || g, 'a' || (g % 20), 'coder' FROM generate_series(1, 500) g");
                statement.execute("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload, created_at) "
                        + "SELECT 'e' || lpad(g::text, 7, '0'), 'a' || (g % 20), 's' || (g % 500), "
                        + "(ARRAY['tool_called', 'decision_made', 'message_received'])[1 + g % 3], "
                        + "jsonb_build_object('token_count', g % 100), '2026-01-01'::timestamptz + g * interval '1 ms' "
                        + "FROM generate_series(1, " + EVENTS + ") g");
            }
            try (StreamedBridge bridge = StreamedBridge.notStarted(databases, 256);
                 BridgeConnectionKiller killer = new BridgeConnectionKiller(databases.source(), databases.settings(256).slot())) {
                bridge.bridge().start();
                await("the bridge copying the source").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                        .until(() -> bridge.bridge().state() == BridgeState.FAILED || copying(databases));
                assertThat(bridge.bridge().stats().snapshotComplete()).as("the snapshot must still run when the sessions are killed")
                        .isFalse();
                assertThat(killer.killAll()).as("bridge sessions terminated on the source").isPositive();
                assertThat(databases.count(databases.target(), "SELECT count(*) FROM agent_events"))
                        .as("readers see nothing of an unfinished snapshot").isZero();
                try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
                    assertThat(statement.executeUpdate("DELETE FROM agent_events WHERE event_id <= 'e0005000'")).isEqualTo(5_000);
                    statement.execute("DELETE FROM agent_sessions WHERE session_id IN ('s1', 's2', 's3')");
                }
                assertThat(bridge.differences()).isNull();
                assertThat(bridge.bridge().stats().lastError()).as("the interrupted attempt, reported")
                        .contains("snapshot attempt 1 failed");
            }
        }
    }

    /** True while the bridge's COPY of the source tables runs. */
    private static boolean copying(BridgeDatabases databases) throws Exception {
        return databases.count(databases.source(), "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND application_name = 'agent-state-bridge' AND state = 'active' AND query LIKE 'COPY (SELECT%'") > 0;
    }
}
