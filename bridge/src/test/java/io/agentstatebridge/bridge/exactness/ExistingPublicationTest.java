package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publication that exists before the bridge first runs, made by someone else with options that
 * silently drop changes: without truncate, with a row filter, with a column list. The bridge must
 * either refuse it at start, naming it, or stream everything all the same; never run on while the
 * read side drifts from the definitions.
 *
 * <p>Issue 10, item 8.
 */
class ExistingPublicationTest {
    private static TwoServers servers;

    @BeforeAll
    static void startServers() {
        servers = TwoServers.start(false); // the source is PostgreSQL 15: row filters and column lists exist
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @Test
    void aPublicationWithoutTruncateIsRefusedOrTruncatesStillArrive() throws Exception {
        assertRefusedOrExact("publication_no_truncate", "FOR TABLE public.agent_events, public.agent_sessions "
                + "WITH (publish = 'insert, update, delete')");
    }

    @Test
    void aPublicationWithARowFilterIsRefusedOrFilteredRowsStillArrive() throws Exception {
        assertRefusedOrExact("publication_row_filter", "FOR TABLE public.agent_events WHERE (event_id NOT LIKE 'hidden%'), "
                + "public.agent_sessions");
    }

    @Test
    void aPublicationWithAColumnListIsRefusedOrAllColumnsStillArrive() throws Exception {
        assertRefusedOrExact("publication_columns", "FOR TABLE public.agent_events (event_id, agent_id, session_id, event_type, "
                + "created_at), public.agent_sessions");
    }

    private static void assertRefusedOrExact(String purpose, String publicationBody) throws Exception {
        BridgeDatabases databases = servers.databases(purpose);
        try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
            statement.execute("CREATE PUBLICATION " + databases.settings(64).publication() + " " + publicationBody);
        }
        StreamedBridge bridge;
        try {
            bridge = StreamedBridge.start(databases, 64);
        } catch (RuntimeException refused) {
            assertThat(refused).hasMessageContaining(databases.settings(64).publication());
            return;
        }
        try (bridge) {
            if (bridge.bridge().failure() != null) {
                assertThat(bridge.bridge().failure()).hasMessageContaining(databases.settings(64).publication());
                return;
            }
            bridge.onSource("INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('s1', 'a1', 'coder')");
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) VALUES "
                    + "('e1', 'a1', 's1', 'tool_called', '{\"token_count\": 4}'), "
                    + "('hidden-1', 'a1', 's1', 'decision_made', '{\"token_count\": 5}')");
            bridge.onSource("TRUNCATE agent_events");
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) VALUES "
                    + "('e2', 'a1', 's1', 'message_received', '{\"token_count\": 6}'), "
                    + "('hidden-2', 'a1', 's1', 'error_occurred', '{\"token_count\": 7}')");
            assertThat(bridge.differences()).isNull();
        }
    }
}
