package io.agentstatebridge.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.BridgeProcess;
import io.agentstatebridge.bridge.testing.SourceChurn;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two bridges started with the same configuration: one streams, the other stands by, and both say
 * so in the instances table, on /metrics and in /api/status. The active one is killed hard
 * mid-stream; the standby takes over within 10 s from the committed position, becomes the active
 * instance everywhere, the killed one shows as stale, and the read side converges exactly.
 */
class FailoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void bothRolesShowAndTheStandbyTakesOverWithinTenSecondsWhenTheActiveBridgeIsKilled() throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        BridgeDatabases databases = new BridgeDatabases("failover");
        int firstPort = freePort();
        int secondPort = freePort();
        try (SourceChurn writer = new SourceChurn(databases, seed, 0, 10);
             BridgeProcess first = BridgeProcess.start("failover-first", arguments(databases, firstPort))) {
            await("first bridge streaming").atMost(Duration.ofSeconds(90))
                    .until(() -> first.output().contains("streaming from") || !first.isAlive());
            try (BridgeProcess second = BridgeProcess.start("failover-second", arguments(databases, secondPort))) {
                await("second bridge standing by").atMost(Duration.ofSeconds(90))
                        .until(() -> second.output().contains("standing by") || !second.isAlive());
                assertThat(second.output()).doesNotContain("streaming from");
                writer.start();

                // Before the kill: one active, one standby, in the table, /api/status and /metrics alike.
                await("both instances reporting their roles").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    Map<Long, Instance> rows = instances(databases);
                    assertThat(rows).containsKeys(first.pid(), second.pid());
                    assertThat(rows.get(first.pid())).as("first instance's row in %s", rows)
                            .isEqualTo(new Instance(rows.get(first.pid()).id(), "active", BridgeState.STREAMING, false));
                    assertThat(rows.get(second.pid())).as("second instance's row in %s", rows)
                            .isEqualTo(new Instance(rows.get(second.pid()).id(), "standby", BridgeState.STANDBY, false));
                    assertRole(firstPort, "active", BridgeState.STREAMING, 1, 1);
                    assertRole(secondPort, "standby", BridgeState.STANDBY, 1, 1);
                });
                String firstId = status(firstPort).get("instance_id").asText();
                String secondId = status(secondPort).get("instance_id").asText();
                assertThat(statusRowInstance(databases)).as("the status row is the active instance's").isEqualTo(firstId);
                Thread.sleep(3_000);

                long killedAt = System.nanoTime();
                first.kill();
                await("standby taking over").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> second.output().contains("streaming from") || !second.isAlive());
                double takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;
                System.out.printf("failover: standby streaming %.1f s after the active bridge was killed%n", takeoverSeconds);
                assertThat(second.isAlive()).as("standby alive; see %s", second.log()).isTrue();
                assertThat(takeoverSeconds).isLessThan(10.0);

                // After: the survivor is the active instance everywhere; the killed one's row goes stale.
                await("takeover visible everywhere").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    Map<Long, Instance> rows = instances(databases);
                    assertThat(rows.get(second.pid())).isEqualTo(new Instance(secondId, "active", BridgeState.STREAMING, false));
                    assertThat(rows.get(first.pid())).as("the killed instance keeps its last report, marked stale")
                            .isEqualTo(new Instance(firstId, "active", BridgeState.STREAMING, true));
                    assertRole(secondPort, "active", BridgeState.STREAMING, 1, 0);
                    assertThat(statusRowInstance(databases)).isEqualTo(secondId);
                });

                Thread.sleep(2_000);
                writer.stop();
                assertThat(databases.verifyDifferences(Duration.ofSeconds(120)))
                        .as("read side vs definitions after failover (seed %d)", seed).isNull();
                assertThat(second.terminate()).isZero();
            }
        }
    }

    /** One row of agent_state_bridge.instance_status. */
    private record Instance(String id, String role, BridgeState state, boolean stale) {
    }

    private static Map<Long, Instance> instances(BridgeDatabases databases) throws SQLException {
        Map<Long, Instance> rows = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(databases.target().jdbcUrl());
             PreparedStatement query = connection.prepareStatement("SELECT pid, instance_id, role, state, stale "
                     + "FROM agent_state_bridge.instance_status WHERE bridge_name = ?")) {
            query.setString(1, databases.name());
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), new Instance(rs.getString(2), rs.getString(3), BridgeState.valueOf(rs.getString(4)), rs.getBoolean(5)));
                }
            }
        }
        return rows;
    }

    private static String statusRowInstance(BridgeDatabases databases) throws SQLException {
        try (Connection connection = DriverManager.getConnection(databases.target().jdbcUrl());
             PreparedStatement query = connection.prepareStatement(
                     "SELECT instance_id FROM agent_state_bridge.status WHERE bridge_name = ?")) {
            query.setString(1, databases.name());
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** What one instance says of itself on /api/status and /metrics, and how many live instances it sees per role. */
    private void assertRole(int port, String role, BridgeState state, int liveActive, int liveStandby) throws Exception {
        JsonNode status = status(port);
        assertThat(status.get("role").asText()).as("role on /api/status of :%d", port).isEqualTo(role);
        assertThat(BridgeState.valueOf(status.get("state").asText())).as("state on /api/status of :%d", port).isEqualTo(state);
        long listedActive = 0;
        long listedStandby = 0;
        for (JsonNode instance : status.get("instances")) {
            if (!instance.get("stale").asBoolean()) {
                listedActive += "active".equals(instance.get("role").asText()) ? 1 : 0;
                listedStandby += "standby".equals(instance.get("role").asText()) ? 1 : 0;
            }
        }
        assertThat(listedActive).as("live active instances listed by :%d", port).isEqualTo(liveActive);
        assertThat(listedStandby).as("live standby instances listed by :%d", port).isEqualTo(liveStandby);

        String metrics = get(port, "/metrics");
        assertThat(metric(metrics, "agent_state_bridge_role", role)).isEqualTo(1.0);
        assertThat(metric(metrics, "agent_state_bridge_role", "active".equals(role) ? "standby" : "active")).isEqualTo(0.0);
        assertThat(metric(metrics, "agent_state_bridge_instances", "active")).isEqualTo(liveActive);
        assertThat(metric(metrics, "agent_state_bridge_instances", "standby")).isEqualTo(liveStandby);
    }

    private JsonNode status(int port) throws IOException, InterruptedException {
        return JSON.readTree(get(port, "/api/status"));
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s on :%d", path, port).isEqualTo(200);
        return response.body();
    }

    private static double metric(String exposition, String name, String role) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*role=\"" + role + "\"[^}]*} ([0-9.eE+-]+)$").matcher(exposition);
        assertThat(matcher.find()).as("%s{role=%s} in%n%s", name, role, exposition).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String[] arguments(BridgeDatabases databases, int httpPort) {
        return new String[] {"run", "--source-url", databases.source().jdbcUrl(), "--target-url", databases.target().jdbcUrl(),
                "--name", databases.name(), "--slot", databases.name(), "--publication", databases.name(),
                "--max-batch-size", "128", "--http-port", String.valueOf(httpPort)};
    }
}
