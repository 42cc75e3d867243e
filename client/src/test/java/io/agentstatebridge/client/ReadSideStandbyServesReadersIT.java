package io.agentstatebridge.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentstatebridge.bridge.cli.BridgeCommand;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.status.ReadReplica;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.DedicatedPostgres;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A physical standby of the read database, set up as operators do it (pg_basebackup -R, hot standby,
 * hot_standby_feedback), serves readers: they see whole source transactions, read their own writes
 * through await_applied, and can tell how far behind it is, as can the bridge. The bridge streams
 * from a real source (the embedded PostgreSQL 17) into a read side on Debian's PostgreSQL 15, whose
 * pg_basebackup makes the standby: a standby must run the major version of its primary, and the
 * embedded binaries come without pg_basebackup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadSideStandbyServesReadersIT {
    private static final String REPLICA = "read_replica_1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private DedicatedPostgres primary;
    private DedicatedPostgres standby;
    private BridgeDatabases databases;
    private Bridge bridge;
    private int httpPort;
    private String standbyUrl;

    @BeforeAll
    void startReadSidePrimaryStandbyAndBridge() throws Exception {
        primary = DedicatedPostgres.fromBinaries(DedicatedPostgres.DEBIAN_POSTGRES_15, "C.UTF-8",
                DedicatedPostgres.settings("UTC", Map.of()));
        DatabaseUrl target = primary.createDatabase("read_side_with_standby");
        standby = primary.streamingStandby(REPLICA, Map.of("hot_standby_feedback", "on"));
        standbyUrl = standby.jdbcUrl(target.database());
        DatabaseUrl source = DatabaseUrl.parse(PostgresFixture.get().createDatabase("read_replica_source").jdbcUrl(), "source");
        databases = new BridgeDatabases("read_replica", source, target);
        // The shared test server runs with synchronous_commit off, under which a commit reaches logical
        // decoding only at the WAL writer's next flush; writers here get PostgreSQL's default.
        try (Connection connection = databases.openSource(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE " + source.database() + " SET synchronous_commit = on");
        }
        httpPort = freePort();
        BridgeSettings plain = databases.settings(2048);
        bridge = new Bridge(new BridgeSettings(plain.source(), plain.target(), plain.name(), plain.slot(), plain.publication(),
                plain.maxBatchSize(), plain.observability().withHttpPort(httpPort)));
        bridge.start();
        await().atMost(WAIT).until(() -> bridge.state() == BridgeState.STREAMING
                && single(target.jdbcUrl(), "SELECT agent_state_bridge.visible_lsn()::text") != null);
        assertThat(standby.inRecovery()).as("the standby replays the primary's WAL").isTrue();
    }

    @AfterAll
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (standby != null) {
            standby.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    @Test
    void readersOnTheStandbySeeOnlyWholeSourceTransactions() throws Exception {
        int transactions = 120;
        AtomicBoolean writing = new AtomicBoolean(true);
        List<String> violations = new ArrayList<>();
        Set<Long> statesSeen = new HashSet<>();
        Thread poller = new Thread(() -> {
            try (Connection reader = DriverManager.getConnection(standbyUrl); Statement statement = reader.createStatement()) {
                while (writing.get()) {
                    // One statement, one snapshot: what a reader of the standby can see at one moment.
                    try (ResultSet rs = statement.executeQuery(WHOLE_TRANSACTIONS)) {
                        rs.next();
                        if (rs.getLong(1) != 0 || rs.getLong(2) != 0) {
                            violations.add(rs.getLong(1) + " sessions whose summary disagrees with the events replica, "
                                    + rs.getLong(2) + " transactions seen in part, at " + rs.getLong(3) + " transactions");
                        }
                        statesSeen.add(rs.getLong(3));
                    }
                }
            } catch (SQLException e) {
                violations.add("the poller failed: " + e);
            }
        }, "standby-poller");
        poller.start();

        Random random = new Random(13);
        ConsistencyToken last;
        try (AgentStateClient client = AgentStateClient.connect(ClientSettings.of(databases.source().jdbcUrl(), standbyUrl))) {
            last = null;
            for (int tx = 1; tx <= transactions; tx++) {
                int events = 2 + random.nextInt(29);
                List<AgentEvent> parts = new ArrayList<>();
                for (int e = 0; e < events; e++) {
                    // Each transaction spreads over several sessions and agents, as a batch of a fleet's work does.
                    int n = random.nextInt(6);
                    parts.add(AgentEvents.of("whole-agent-" + n % 3, "whole-session-" + n).custom("transaction_part",
                            JSON.createObjectNode().put("tx", tx).put("of", events)));
                }
                last = client.events().appendAll(parts);
                Thread.sleep(random.nextInt(30));
            }
            client.state().awaitApplied(last, WAIT);
        } finally {
            writing.set(false);
            poller.join(WAIT.toMillis());
        }

        assertThat(violations).as("what readers of the standby saw").isEmpty();
        // The standby replays what the primary committed, never more: read on the standby first, its
        // position is at most the primary's read after it.
        String onStandby = single(standbyUrl, "SELECT agent_state_bridge.visible_lsn()::text");
        String onPrimary = single(databases.target().jdbcUrl(), "SELECT agent_state_bridge.visible_lsn()::text");
        assertThat(single(databases.target().jdbcUrl(), "SELECT '" + onStandby + "'::pg_lsn <= '" + onPrimary + "'::pg_lsn"))
                .as("visible_lsn on the standby (%s) against the primary's (%s)", onStandby, onPrimary).isEqualTo("t");
        assertThat(single(standbyUrl, "SELECT count(DISTINCT payload->>'tx') FROM agent_events WHERE session_id LIKE 'whole-%'"))
                .as("transactions on the standby once it has replayed the last one's token").isEqualTo(Integer.toString(transactions));
        // Not a poller that only ever saw the start and the end.
        assertThat(statesSeen).as("distinct numbers of transactions the poller saw").hasSizeGreaterThan(10);
        System.out.printf("standby poller: %d distinct states of %d transactions, none partial%n", statesSeen.size(), transactions);
    }

    /** Sessions whose summaries disagree with the events replica; transactions seen in part; transactions seen. */
    private static final String WHOLE_TRANSACTIONS = """
            WITH summarised AS (
                SELECT session_id, sum(total_events) AS events FROM session_summary
                WHERE session_id LIKE 'whole-%' GROUP BY session_id),
            replicated AS (
                SELECT session_id, count(*) AS events FROM agent_events
                WHERE session_id LIKE 'whole-%' GROUP BY session_id),
            transactions AS (
                SELECT payload->>'tx' AS tx, count(*) AS seen, min((payload->>'of')::int) AS written FROM agent_events
                WHERE session_id LIKE 'whole-%' GROUP BY payload->>'tx')
            SELECT (SELECT count(*) FROM summarised s FULL JOIN replicated r USING (session_id)
                    WHERE s.events IS DISTINCT FROM r.events),
                   (SELECT count(*) FROM transactions WHERE seen <> written),
                   (SELECT count(*) FROM transactions)
            """;

    @Test
    void awaitAppliedShowsTheWritersOwnWriteOnTheStandbyAsOnThePrimary() {
        for (String readSide : List.of(standbyUrl, databases.target().jdbcUrl())) {
            String agent = readSide.equals(standbyUrl) ? "ryw-on-standby" : "ryw-on-primary";
            try (AgentStateClient client = AgentStateClient.connect(ClientSettings.of(databases.source().jdbcUrl(), readSide))) {
                String session = agent + "-session";
                client.events().startSession(AgentSession.start(session, agent, "tester"));
                AgentEvents events = AgentEvents.of(agent, session);
                for (int round = 1; round <= 20; round++) {
                    ConsistencyToken token = client.events().append(events.decisionMade("round " + round, "replica test"));
                    ConsistencyToken reached = client.state().awaitApplied(token, WAIT);
                    assertThat(reached.lsn()).as("position reached").isNotNull();
                    String decision = client.state().currentState(agent).orElseThrow().payload().get("decision").asText();
                    long decisions = client.state().sessionSummary(session, agent).orElseThrow().decisions();
                    assertThat(decision).as(agent + ": current state after round " + round).isEqualTo("round " + round);
                    assertThat(decisions).as(agent + ": decisions after round " + round).isEqualTo(round);
                }
            }
        }
    }

    @Test
    void aStandbyThatStopsReplayingIsReportedBehindAndAwaitAppliedThereWaitsForIt() throws Exception {
        String agent = "paused-replay-agent";
        try (AgentStateClient onStandby = AgentStateClient.connect(ClientSettings.of(databases.source().jdbcUrl(), standbyUrl));
             AgentStateClient onPrimary = AgentStateClient.connect(
                     ClientSettings.of(databases.source().jdbcUrl(), databases.target().jdbcUrl()))) {
            // Replaying: the standby and its primary both report it close behind, and so does the bridge.
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(replicaLag(standbyUrl)).as("replica_lag on the standby")
                        .containsExactly(new ReplicaLagRow(REPLICA, "replica", "streaming", true));
                assertThat(replicaLag(databases.target().jdbcUrl())).as("replica_lag on the primary")
                        .containsExactly(new ReplicaLagRow(REPLICA, "upstream", "streaming", true));
                assertThat(bridgeReport()).as("the bridge's status").hasValueSatisfying(replica -> {
                    assertThat(replica.state()).isEqualTo("streaming");
                    assertThat(replica.replayLagSeconds()).isLessThan(5.0);
                });
            });

            onStandby.state().awaitApplied(onStandby.events().startSession(AgentSession.start("paused-session", agent, "tester")), WAIT);
            standby.execute("postgres", "SELECT pg_wal_replay_pause()");
            try {
                ConsistencyToken token = onStandby.events().append(AgentEvents.of(agent, "paused-session").decisionMade("while paused", "replay paused"));
                onPrimary.state().awaitApplied(token, WAIT);
                assertThat(onPrimary.state().currentState(agent)).as("the write on the primary").isPresent();
                assertThatThrownBy(() -> onStandby.state().awaitApplied(token, Duration.ofMillis(1500)))
                        .as("await_applied on a standby that has not replayed the write")
                        .isInstanceOf(ReadSideBehindException.class);
                assertThat(onStandby.state().currentState(agent)).as("the write on the paused standby").isEmpty();

                // The bridge keeps writing its status on the primary every second: the lag grows, everywhere.
                await().atMost(WAIT).untilAsserted(() -> {
                    assertThat(bridgeReport()).hasValueSatisfying(replica -> {
                        assertThat(replica.replayLagSeconds()).as("replay lag the bridge reports").isGreaterThan(2.0);
                        assertThat(replica.replayLagBytes()).as("WAL not replayed").isPositive();
                    });
                    assertThat(metric(get("/metrics"), "agent_state_bridge_read_replica_replay_lag_seconds", REPLICA))
                            .as("/metrics").isGreaterThan(2.0);
                    assertThat(replicaLagSeconds(standbyUrl)).as("replica_lag on the standby").isGreaterThan(2.0);
                });
                assertThat(get("/api/status")).contains("\"read_replicas\":[{\"replica\":\"" + REPLICA + "\",\"state\":\"streaming\"");
                String onPrimaryStatus = statusCommand(databases.target().jdbcUrl());
                assertThat(onPrimaryStatus).containsPattern("read replicas +" + REPLICA + ": streaming, replay lag [0-9.]+ s");
                String onStandbyStatus = statusCommand(standbyUrl);
                assertThat(onStandbyStatus).as("`status` pointed at the standby")
                        .containsPattern("this server +" + REPLICA + " \\(a read replica: everything above is as replayed here\\)");
            } finally {
                standby.execute("postgres", "SELECT pg_wal_replay_resume()");
            }

            ConsistencyToken after = onStandby.events().append(AgentEvents.of(agent, "paused-session").decisionMade("after", "resumed"));
            onStandby.state().awaitApplied(after, WAIT);
            assertThat(onStandby.state().currentState(agent).orElseThrow().payload().get("decision").asText())
                    .as("the standby once it replays again").isEqualTo("after");
            await().atMost(WAIT).untilAsserted(() -> assertThat(bridgeReport()).hasValueSatisfying(
                    replica -> assertThat(replica.replayLagSeconds()).as("replay lag after resuming").isLessThan(5.0)));
        }
    }

    /** A row of agent_state_bridge.replica_lag; {@code close} when its lag is under 5 s. */
    private record ReplicaLagRow(String replica, String measuredOn, String state, boolean close) {
    }

    private static List<ReplicaLagRow> replicaLag(String url) throws SQLException {
        List<ReplicaLagRow> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT replica, measured_on, state, replay_lag_seconds FROM agent_state_bridge.replica_lag")) {
            while (rs.next()) {
                double lag = rs.getDouble(4);
                rows.add(new ReplicaLagRow(rs.getString(1), rs.getString(2), rs.getString(3), !rs.wasNull() && lag < 5.0));
            }
        }
        return rows;
    }

    private static double replicaLagSeconds(String url) throws SQLException {
        return Double.parseDouble(single(url, "SELECT replay_lag_seconds FROM agent_state_bridge.replica_lag"));
    }

    private Optional<ReadReplica> bridgeReport() {
        return bridge.status().current().readReplicas().stream().filter(r -> REPLICA.equals(r.name())).findFirst();
    }

    private static String single(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double metric(String exposition, String name, String replica) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*replica=\"" + replica + "\"[^}]*} ([0-9.eE+-]+|NaN)$")
                .matcher(exposition);
        assertThat(matcher.find()).as("metric " + name + " of " + replica + " in\n" + exposition).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private String statusCommand(String targetUrl) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            BridgeCommand.execute("status", "--target-url", targetUrl, "--name", databases.name());
            return captured.toString();
        } finally {
            System.setOut(original);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
