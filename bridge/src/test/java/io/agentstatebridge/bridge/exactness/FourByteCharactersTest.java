package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.testing.HostileValues;
import io.agentstatebridge.bridge.testing.TwoServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Characters outside the Basic Multilingual Plane, and text that means something to COPY or JSON,
 * arrive on the read side as they are on the source, through the real connector.
 *
 * <p>Issue 10, item 1.
 */
class FourByteCharactersTest {
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
    void emojiStreamedAmongManySmallTransactionsArriveIntact() throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("emoji_small"), 64)) {
            bridge.onSource("INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('s1', 'a1', 'coder')");
            for (int i = 0; i < 300; i++) {
                bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) VALUES (?, 'a1', 's1', 'tool_called', ?::jsonb)",
                        "e" + i, i % 50 == 7 ? "{\"tool\": {\"args\": {\"q\": \"emoji 🚀🤖\"}}}" : "{\"n\": " + i + "}");
            }
            assertThat(bridge.differences()).isNull();
            assertThat(bridge.onTarget("SELECT payload #>> '{tool,args,q}' FROM agent_events WHERE event_id = 'e7'"))
                    .containsExactly("emoji 🚀🤖");
        }
    }

    @Test
    void payloadsFullOfFourByteCharactersAndCopySyntaxInLargeTransactionsArriveIntact() throws Exception {
        HostileValues values = new HostileValues(new Random(10));
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("emoji_large"), 2048);
             Connection source = bridge.databases().openSource()) {
            source.setAutoCommit(false);
            try (PreparedStatement insert = source.prepareStatement("INSERT INTO agent_events "
                    + "(event_id, agent_id, session_id, event_type, payload) VALUES (?, ?, 's1', 'tool_called', ?::jsonb)")) {
                for (int transaction = 0; transaction < 4; transaction++) {
                    for (int i = 0; i < 2_500; i++) {
                        insert.setString(1, "e" + transaction + "-" + i);
                        insert.setString(2, "a" + i % 7);
                        insert.setString(3, "{\"tool\": {\"args\": {\"q\": " + values.quote(values.text(12)) + "}}, "
                                + values.quote(values.text(3)) + ": " + values.quote(values.text(12)) + "}");
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    source.commit();
                }
            }
            assertThat(bridge.differences()).isNull();
        }
    }

    @Test
    void fourByteCharactersAndCopySyntaxInIdsTypesAndSessionColumnsArriveIntact() throws Exception {
        HostileValues values = new HostileValues(new Random(11));
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("emoji_ids"), 64)) {
            for (int i = 0; i < 100; i++) {
                String session = "𠀋\\N\t" + i + values.text(4);
                String agent = "🤖\\." + i % 5 + "\u200D\uFEFF";
                bridge.onSource("INSERT INTO agent_sessions (session_id, agent_id, user_id, agent_type, metadata) VALUES (?, ?, ?, ?, ?::jsonb)",
                        session, agent, "\u202Euser\\\\N" + values.text(3), "𝔠𝔬𝔡𝔢𝔯\r\n" + values.text(2),
                        "{" + values.quote("ключ🔑\\N") + ": " + values.quote(values.text(6)) + "}");
                bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) VALUES (?, ?, ?, ?, NULL)",
                        "👨‍👩‍👧‍👦\\\\N" + i + "\u0301", agent, session, i % 3 == 0 ? "tool_called" : "🇺🇳\t" + values.text(3));
            }
            assertThat(bridge.differences()).isNull();
        }
    }

    @Test
    void aFourByteCharacterAtEveryOffsetAroundEightKilobyteBoundariesArrivesIntact() throws Exception {
        try (StreamedBridge bridge = StreamedBridge.start(servers.databases("emoji_boundaries"), 64)) {
            int row = 0;
            for (String filler : new String[] {"x", "é", "€"}) {
                for (int length = 8_185; length <= 8_200; length++) {
                    StringBuilder text = new StringBuilder(filler.repeat(length));
                    text.insert(length - 8_185 + 8_180, "🚀"); // the emoji moves one place per row
                    bridge.onSource("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) "
                            + "VALUES (?, 'a1', 's1', 'tool_called', jsonb_build_object('text', ?::text))", "e" + row++, text.toString());
                }
            }
            assertThat(bridge.differences()).isNull();
        }
    }
}
