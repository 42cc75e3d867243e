package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.testing.BridgeConnectionKiller;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connector loses its source sessions in the middle of the snapshot and restarts its task in
 * the same process, taking the snapshot again. Rows the source deleted between the two attempts,
 * which the first attempt had already delivered, must not stay on the read side.
 *
 * <p>Issue 10, item 4.
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
                await().atMost(Duration.ofSeconds(120)).until(() -> bridge.bridge().state() == Bridge.State.FAILED
                        || databases.count(databases.target(), "SELECT count(*) FROM agent_events") >= 20_000);
                List<String> delivered = bridge.onTarget("SELECT event_id FROM agent_events ORDER BY event_id LIMIT 5000");
                assertThat(bridge.bridge().stats().snapshotComplete()).as("the snapshot must still run when the sessions are killed")
                        .isFalse();
                assertThat(killer.killAll()).as("bridge sessions terminated on the source").isPositive();
                try (Connection source = databases.openSource();
                     PreparedStatement delete = source.prepareStatement("DELETE FROM agent_events WHERE event_id = ANY(?)")) {
                    delete.setArray(1, source.createArrayOf("varchar", delivered.toArray()));
                    assertThat(delete.executeUpdate()).isEqualTo(delivered.size());
                }
                try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
                    statement.execute("DELETE FROM agent_sessions WHERE session_id IN ('s1', 's2', 's3')");
                }
                assertThat(bridge.differences()).isNull();
            }
        }
    }
}
