package io.agentstatebridge.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against a real bridge between two real databases. */
class AgentStateClientTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BridgeDatabases databases;
    private static Bridge bridge;
    private static AgentStateClient client;

    @BeforeAll
    static void startBridge() {
        databases = new BridgeDatabases("client");
        bridge = new Bridge(databases.settings(512));
        bridge.start();
        client = AgentStateClient.connect(ClientSettings.of(databases.source().jdbcUrl(), databases.target().jdbcUrl())
                .withMaxPoolSize(4));
    }

    @AfterAll
    static void stopBridge() {
        client.close();
        bridge.close();
    }

    @Test
    void eventsWrittenInTheCallersTransactionAppearTogetherWithTheirCounters() throws Exception {
        String agent = unique("agent");
        String session = unique("session");
        AgentEvents events = AgentEvents.of(agent, session);
        ConsistencyToken token;
        try (Connection transaction = DriverManager.getConnection(databases.source().jdbcUrl())) {
            transaction.setAutoCommit(false);
            client.events().startSession(transaction, new AgentSession(session, agent, "user-1", "support", null, null));
            client.events().appendAll(transaction, List.of(
                    events.messageReceived("where is my parcel?", 12),
                    events.toolCalled("track_parcel", JSON.createObjectNode().put("id", "P-1")),
                    events.decisionMade("reship", "lost in transit"),
                    events.taskCompleted("reship parcel"),
                    events.errorOccurred("carrier API timed out")));
            transaction.commit();
            token = client.events().tokenAfterCommit(transaction);
        }

        StateReader reader = client.state().after(token, WAIT);
        AgentState state = reader.currentState(agent).orElseThrow();
        assertThat(state.sessionId()).isEqualTo(session);
        assertThat(state.lastEventType()).as("the last event appended").isEqualTo("error_occurred");
        assertThat(state.agentType()).isEqualTo("support");
        assertThat(state.userId()).isEqualTo("user-1");
        SessionSummary summary = reader.sessionSummary(session, agent).orElseThrow();
        assertThat(summary.totalEvents()).isEqualTo(5);
        assertThat(summary.userMessages()).isEqualTo(1);
        assertThat(summary.toolCalls()).isEqualTo(1);
        assertThat(summary.decisions()).isEqualTo(1);
        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.totalTokensUsed()).isEqualTo(12);
        assertThat(summary.sessionDuration()).isEqualTo(Duration.between(summary.firstEventAt(), summary.latestEventAt()));
        TaskProgress progress = reader.taskProgress(session).get(0);
        assertThat(progress.decisionsMade()).isEqualTo(1);
        assertThat(progress.toolsInvoked()).isEqualTo(1);
        assertThat(progress.tasksCompleted()).isEqualTo(1);
        assertThat(progress.hadError()).isTrue();
        assertThat(progress.isClosed()).isFalse();
        assertThat(reader.recentEvents(session, 10)).hasSize(5)
                .allSatisfy(event -> assertThat(event.agentId()).isEqualTo(agent));
    }

    @Test
    void aRolledBackTransactionLeavesNothingBehind() throws Exception {
        String agent = unique("agent");
        String session = unique("session");
        try (Connection transaction = DriverManager.getConnection(databases.source().jdbcUrl())) {
            transaction.setAutoCommit(false);
            client.events().startSession(transaction, AgentSession.start(session, agent, "coder"));
            client.events().append(transaction, AgentEvents.of(agent, session).toolCalled("compile", null));
            transaction.rollback();
            ConsistencyToken token = client.events().tokenAfterCommit(transaction);
            assertThat(client.state().after(token, WAIT).currentState(agent)).isEmpty();
        }
        assertThat(databases.count(databases.source(), "SELECT count(*) FROM agent_events WHERE agent_id = '" + agent + "'"))
                .isZero();
    }

    @Test
    void aTokenCannotBeTakenBeforeTheCommit() throws Exception {
        String session = unique("session");
        try (Connection transaction = DriverManager.getConnection(databases.source().jdbcUrl())) {
            transaction.setAutoCommit(false);
            client.events().startSession(transaction, AgentSession.start(session, "a", "coder"));
            assertThatThrownBy(() -> client.events().tokenAfterCommit(transaction))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("commit first");
            transaction.rollback();
        }
    }

    @Test
    void theLatestEventOfTheAgentIsItsCurrentStateAfterEachWrite() {
        String agent = unique("agent");
        String session = unique("session");
        client.events().startSession(AgentSession.start(session, agent, "planner"));
        AgentEvents events = AgentEvents.of(agent, session);
        for (int step = 0; step < 5; step++) {
            AgentEvent decision = events.decisionMade("step " + step, "plan");
            ConsistencyToken token = client.events().append(decision);
            AgentState state = client.state().after(token, WAIT).currentState(agent).orElseThrow();
            assertThat(state.payload().get("decision").asText()).isEqualTo("step " + step);
            assertThat(client.state().recentEvents(session, 1)).extracting(AgentEvent::eventId)
                    .containsExactly(decision.eventId());
        }
    }

    @Test
    void updatingASessionMergesItsMetadataAndSetsItsUser() {
        String agent = unique("agent");
        String session = unique("session");
        ObjectNode metadata = JSON.createObjectNode().put("channel", "chat").put("priority", "low");
        client.events().startSession(new AgentSession(session, agent, null, "support", null, metadata));
        client.events().append(AgentEvents.of(agent, session).messageReceived("hi", 1));
        ConsistencyToken token = client.events().updateSession(session, "user-9",
                JSON.createObjectNode().put("priority", "high"));
        assertThat(client.state().after(token, WAIT).currentState(agent).orElseThrow().userId()).isEqualTo("user-9");
        assertThatThrownBy(() -> client.events().updateSession(unique("missing"), "u", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start it first");
    }

    @Test
    void anEventTheWriteSideRejectsFailsWithItsReason() {
        String agent = unique("agent");
        String session = unique("session");
        ObjectNode payload = JSON.createObjectNode().put("token_count", "many");
        assertThatThrownBy(() -> client.events().append(AgentEvents.of(agent, session).custom("message_received", payload)))
                .isInstanceOf(AgentStateException.class)
                .hasMessageContaining("token_count must be an integer")
                .satisfies(e -> assertThat(((AgentStateException) e).sqlState()).isEqualTo("23514"));
    }

    @Test
    void waitingForATokenTheReadSideCannotReachSaysSo() throws Exception {
        // A token from the future: the source has not written that far.
        ConsistencyToken farAhead;
        try (Connection source = DriverManager.getConnection(databases.source().jdbcUrl());
             Statement statement = source.createStatement();
             var rs = statement.executeQuery("SELECT (pg_current_wal_insert_lsn() + 1073741824)::text")) {
            rs.next();
            farAhead = ConsistencyToken.parse(rs.getString(1));
        }
        assertThatThrownBy(() -> client.state().awaitApplied(farAhead, Duration.ofMillis(300)))
                .isInstanceOf(ReadSideBehindException.class)
                .hasMessageContaining("has not reached source position " + farAhead + " within 300 ms")
                .satisfies(e -> assertThat(((ReadSideBehindException) e).token()).isEqualTo(farAhead));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
