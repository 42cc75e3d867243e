package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.testing.HostileValues;
import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An UPDATE that changes a row's primary key but not its large (out-of-line, TOASTed) value: the
 * stream carries the new key without the value, and the read side must still end up with the value
 * under the new key. For events (payload) and sessions (metadata), in a batch of its own, in the
 * same source transaction as the insert, and followed by further updates.
 *
 * <p>Issue 10, item 2.
 */
class KeyChangeOfRowWithUnchangedLargeValueTest {
    private static TwoServers servers;

    @BeforeAll
    static void startServers() {
        servers = TwoServers.start(false);
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    /** 8 to 20 KB of random characters: too large to stay inline even after compression. */
    private static String largeJson(long seed) {
        HostileValues values = new HostileValues(new Random(seed));
        return "{\"token_count\": 3, \"text\": " + values.quote(values.incompressible(4_000 + (int) (seed % 3) * 1_000)) + "}";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Test
    void eventKeyChangeKeepsItsUnchangedOutOfLinePayload() throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("toast_event_key"), 64)) {
            bridge.onSource("INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('s1', 'a1', 'coder')");
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) "
                    + "VALUES ('old-id', 'a1', 's1', 'tool_called', ?::jsonb)", largeJson(1));
            assertThat(bridge.differences()).isNull();
            assertThat(bridge.onSourceQuery("SELECT pg_column_size(payload) > 8000 FROM agent_events")).containsExactly("t");

            bridge.onSource("UPDATE agent_events SET event_id = 'new-id' WHERE event_id = 'old-id'");
            assertThat(bridge.differences()).isNull();
        }
    }

    @Test
    void sessionKeyChangeKeepsItsUnchangedOutOfLineMetadata() throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("toast_session_key"), 64)) {
            bridge.onSource("INSERT INTO agent_sessions (session_id, agent_id, agent_type, metadata) VALUES ('old-s', 'a1', 'coder', ?::jsonb)",
                    largeJson(2));
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('e1', 'a1', 'new-s', 'tool_called')");
            assertThat(bridge.differences()).isNull();

            bridge.onSource("UPDATE agent_sessions SET session_id = 'new-s' WHERE session_id = 'old-s'");
            assertThat(bridge.differences()).isNull();
        }
    }

    @Test
    void keyChangesInTheTransactionThatInsertedTheRowsKeepTheirValues() throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("toast_same_tx"), 64)) {
            bridge.onSource(List.of(
                    "INSERT INTO agent_sessions (session_id, agent_id, agent_type, metadata) VALUES ('s-a', 'a1', 'coder', " + literal(largeJson(3)) + ")",
                    "INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) VALUES ('e-a', 'a1', 's-a', 'tool_called', "
                            + literal(largeJson(4)) + ")",
                    "UPDATE agent_events SET event_id = 'e-b' WHERE event_id = 'e-a'",
                    "UPDATE agent_sessions SET session_id = 's-b' WHERE session_id = 's-a'",
                    "UPDATE agent_events SET session_id = 's-b' WHERE event_id = 'e-b'"));
            assertThat(bridge.differences()).isNull();
        }
    }

    @Test
    void keyChangeThenOtherUpdatesAcrossTransactionsKeepTheValue() throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("toast_chain"), 64)) {
            bridge.onSource("INSERT INTO agent_sessions (session_id, agent_id, agent_type, metadata) VALUES ('s1', 'a1', 'coder', ?::jsonb)",
                    largeJson(5));
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) "
                    + "VALUES ('e1', 'a1', 's1', 'tool_called', ?::jsonb)", largeJson(6));
            bridge.onSource("UPDATE agent_events SET event_id = 'e2' WHERE event_id = 'e1'");
            bridge.onSource("UPDATE agent_events SET event_type = 'decision_made' WHERE event_id = 'e2'");
            bridge.onSource("UPDATE agent_events SET event_id = 'e3', created_at = now() WHERE event_id = 'e2'");
            bridge.onSource("UPDATE agent_sessions SET session_id = 's2', agent_type = 'planner' WHERE session_id = 's1'");
            bridge.onSource("UPDATE agent_sessions SET user_id = 'u1' WHERE session_id = 's2'");
            assertThat(bridge.differences()).isNull();
        }
    }

    @Test
    void keyChangeWithAChangedLargeValueCarriesTheNewValue() throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("toast_key_and_value"), 64)) {
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) "
                    + "VALUES ('e1', 'a1', 's1', 'tool_called', ?::jsonb)", largeJson(7));
            bridge.onSource("UPDATE agent_events SET event_id = 'e2', payload = ?::jsonb WHERE event_id = 'e1'", largeJson(8));
            assertThat(bridge.differences()).isNull();
        }
    }
}
