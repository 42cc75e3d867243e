package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logical decoding messages that other tools on a shared database emit (outbox relays, heartbeats),
 * inside and outside transactions, transactional or not, pass the bridge by: it keeps streaming
 * the changes around them.
 *
 * <p>Issue 10, item 5.
 */
class LogicalDecodingMessageTest {
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
    void aTransactionalMessageInsideATransactionIsPassedBy() throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("message_tx"), 64)) {
            bridge.onSource(List.of(
                    "INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('e1', 'a1', 's1', 'tool_called')",
                    "SELECT pg_logical_emit_message(true, 'outbox', '{\"order\": 1}')",
                    "INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('e2', 'a1', 's1', 'tool_called')"));
            assertThat(bridge.differences()).isNull();
        }
    }

    @Test
    void aNonTransactionalMessageOutsideAnyTransactionIsPassedBy() throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("message_auto"), 64)) {
            bridge.onSource("SELECT pg_logical_emit_message(false, 'heartbeat', 'tick')");
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('e1', 'a1', 's1', 'tool_called')");
            assertThat(bridge.differences()).isNull();
        }
    }

    @Test
    void aNonTransactionalMessageInsideATransactionAndABinaryOneArePassedBy() throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("message_mixed"), 64)) {
            bridge.onSource(List.of(
                    "INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('e1', 'a1', 's1', 'tool_called')",
                    "SELECT pg_logical_emit_message(false, 'relay', 'not rolled back')",
                    "SELECT pg_logical_emit_message(true, '🚀', '\\x00ff'::bytea)"));
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('e2', 'a1', 's1', 'decision_made')");
            assertThat(bridge.differences()).isNull();
        }
    }
}
