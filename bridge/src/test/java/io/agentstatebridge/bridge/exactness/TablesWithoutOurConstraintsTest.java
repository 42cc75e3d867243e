package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write-side tables made by hand without the constraints our migration declares: a NULL where the
 * read side says NOT NULL, an event_id twice. The bridge must either refuse such tables at start,
 * naming what is missing, or keep the read side equal to the definitions; never crash-loop on them.
 *
 * <p>Issue 10, item 9.
 */
class TablesWithoutOurConstraintsTest {
    private static TwoServers servers;

    @BeforeAll
    static void startServers() {
        servers = TwoServers.start(false);
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @Test
    void nullsInColumnsTheReadSideDeclaresNotNullAreRefusedAtStartOrReplicated() throws Exception {
        assertRefusedOrExact("tables_nullable", List.of(
                "ALTER TABLE agent_events ALTER COLUMN agent_id DROP NOT NULL, ALTER COLUMN event_type DROP NOT NULL",
                "ALTER TABLE agent_sessions ALTER COLUMN agent_type DROP NOT NULL"),
                List.of("INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('s1', 'a1', NULL)",
                        "INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('e1', NULL, 's1', 'tool_called')",
                        "INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('e2', 'a1', 's1', NULL)"));
    }

    @Test
    void duplicateEventIdsInATableWithoutPrimaryKeyAreRefusedAtStartOrReplicated() throws Exception {
        assertRefusedOrExact("tables_no_key", List.of(
                "ALTER TABLE agent_events DROP CONSTRAINT agent_events_pkey",
                "ALTER TABLE agent_events REPLICA IDENTITY FULL"),
                List.of("INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('e1', 'a1', 's1', 'tool_called')",
                        "INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('e1', 'a1', 's1', 'decision_made')"));
    }

    private static void assertRefusedOrExact(String purpose, List<String> alterations, List<String> changes) throws Exception {
        BridgeDatabases databases = servers.databases(purpose);
        try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
            for (String sql : alterations) {
                statement.execute(sql);
            }
        }
        StreamedBridge bridge;
        try {
            bridge = StreamedBridge.start(databases, 64);
        } catch (RuntimeException refused) {
            assertThat(refused.getMessage()).containsAnyOf("agent_events", "agent_sessions");
            return;
        }
        try (bridge) {
            if (bridge.bridge().failure() != null) {
                assertThat(bridge.bridge().failure().getMessage()).containsAnyOf("agent_events", "agent_sessions");
                return;
            }
            for (String sql : changes) {
                bridge.onSource(sql);
            }
            assertThat(bridge.differences()).isNull();
        }
    }
}
