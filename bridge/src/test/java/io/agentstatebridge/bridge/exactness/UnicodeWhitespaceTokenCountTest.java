package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A token_count padded with Unicode whitespace ("\u2003 5", "5\u3000"): PostgreSQL's \s matches it
 * under a Unicode-aware locale such as C.UTF-8, its integer cast does not skip it. The write side's
 * validation must reject it whatever the locale; a write side without that validation must not
 * stop the bridge: the row counts as 0 and is listed in rejected_rows, as for any token_count the
 * definition cannot cast.
 *
 * <p>Issue 10, item 6.
 */
class UnicodeWhitespaceTokenCountTest {
    private static TwoServers servers;

    @BeforeAll
    static void startServers() {
        servers = TwoServers.start(false);
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @ParameterizedTest(name = "token_count {0}")
    @ValueSource(strings = {"\"\\u2003 5\"", "\"5\\u3000\"", "\"\\u00a05\"", "\"\\u2028 7 \\u2029\""})
    void theWriteSideRejectsATokenCountPaddedWithUnicodeWhitespaceUnderAUnicodeLocale(String tokenCount) throws Exception {
        BridgeDatabases databases = servers.databases("token_ws_validation");
        assertThat(servers.source().ctype()).isEqualTo("C.UTF-8");
        try (Connection source = databases.openSource();
             PreparedStatement insert = source.prepareStatement("INSERT INTO agent_events (event_id, agent_id, session_id, "
                     + "event_type, payload) VALUES ('e1', 'a1', 's1', 'message_received', ?::jsonb)")) {
            insert.setString(1, "{\"token_count\": " + tokenCount + "}");
            SQLException rejected = catchThrowableOfType(SQLException.class, insert::execute);
            assertThat((Object) rejected).as("the write side accepted token_count %s, which its own session_summary definition "
                    + "cannot cast to INT", tokenCount).isNotNull();
            assertThat(rejected.getSQLState()).isEqualTo("23514");
        }
    }

    @Test
    void aSourceWithoutValidationCountsUnicodePaddedTokenCountsAsZeroAndKeepsStreaming() throws Exception {
        BridgeDatabases databases = servers.databases("token_ws_unvalidated");
        try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
            statement.execute("DROP TRIGGER agent_events_validate ON agent_events"); // tables as a user made them by hand
        }
        try (StreamedBridge bridge = StreamedBridge.start(databases, 64)) {
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) VALUES "
                    + "('e1', 'a1', 's1', 'message_received', '{\"token_count\": 5}'), "
                    + "('e2', 'a1', 's1', 'message_received', '{\"token_count\": \"\\u2003 5\"}'), "
                    + "('e3', 'a1', 's1', 'message_received', '{\"token_count\": \"5\\u3000\"}'), "
                    + "('e4', 'a1', 's1', 'message_received', '{\"token_count\": 7}')");
            bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) VALUES "
                    + "('e5', 'a1', 's1', 'tool_called', '{\"token_count\": 1}')");
            await().atMost(Duration.ofSeconds(60)).until(() -> bridge.bridge().state() == BridgeState.FAILED
                    || bridge.onTarget("SELECT count(*) FROM agent_events WHERE event_id = 'e5'").equals(java.util.List.of("1")));
            assertThat(bridge.bridge().state()).as("bridge state; failure: %s", RandomizedExactnessIT.describe(bridge.bridge().failure()))
                    .matches(BridgeState::isRunning, "running");
            assertThat(bridge.onTarget("SELECT total_events || ' ' || total_tokens_used FROM session_summary")).containsExactly("5 13");
            assertThat(bridge.onTarget("SELECT row_key FROM agent_state_bridge.rejected_rows ORDER BY row_key")).containsExactly("e2", "e3");

            bridge.onSource("DELETE FROM agent_events WHERE event_id IN ('e2', 'e3')"); // now the definitions can be evaluated
            assertThat(bridge.differences()).isNull();
        }
    }
}
