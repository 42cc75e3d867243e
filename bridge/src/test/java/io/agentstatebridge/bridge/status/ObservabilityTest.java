package io.agentstatebridge.bridge.status;

import io.agentstatebridge.bridge.cli.BridgeCommand;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.loadgen.LoadGenerator;
import org.junit.jupiter.api.Test;

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
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under load, the status table, the instances table, /metrics, /health and the `status` command
 * show the same figures, because they all read the one status the bridge gathers each second.
 */
class ObservabilityTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void statusTableMetricsHealthAndStatusCommandAgreeUnderLoad() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("observability");
        int port = freePort();
        BridgeSettings plain = databases.settings(512);
        BridgeSettings settings = new BridgeSettings(plain.source(), plain.target(), plain.name(), plain.slot(),
                plain.publication(), plain.maxBatchSize(), plain.observability().withHttpPort(port));
        try (Bridge bridge = new Bridge(settings);
             LoadGenerator load = new LoadGenerator(databases.source().jdbcUrl(),
                     new LoadGenerator.LoadSettings(20, 300, Duration.ofSeconds(20), 2, 3))) {
            bridge.start();
            Thread writer = new Thread(() -> {
                try {
                    load.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            writer.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> bridge.status().current().state() == BridgeState.STREAMING
                    && bridge.status().current().eventsAppliedTotal() > 500
                    && bridge.status().current().slot().retainedWalBytes() != null);

            // The status table holds one of the reporter's ticks: the one stamped with its updated_at.
            Map<String, Object> row = statusRow(databases, settings.name());
            BridgeStatus tick = bridge.status().history().stream()
                    // PostgreSQL rounds to the microsecond
                    .filter(s -> Math.abs(Duration.between(s.at(), (java.time.Instant) row.get("updated_at")).toNanos()) < 1_000)
                    .findFirst().orElseThrow(() -> new AssertionError("no reported tick matches the status row " + row));
            assertThat(row.get("state")).isEqualTo(tick.state().name()).isEqualTo(BridgeState.STREAMING.name());
            assertThat(row.get("events_applied_total")).isEqualTo(tick.eventsAppliedTotal());
            assertThat(row.get("lag_seconds")).isEqualTo(tick.lagSeconds());
            assertThat(tick.lagSeconds()).isLessThan(10.0);
            assertThat(row.get("instance_id")).as("the status row names the instance that wrote it")
                    .isEqualTo(bridge.instance().instanceId());

            // A lone bridge is the active instance, and says so in its own row.
            Map<String, Object> instance = instanceRow(databases, settings.name(), bridge.instance().instanceId());
            assertThat(instance).containsEntry("role", "active").containsEntry("state", BridgeState.STREAMING.name())
                    .containsEntry("pid", ProcessHandle.current().pid()).containsEntry("stale", false);

            // /metrics and /api/status show the latest tick: read them within one.
            BridgeStatus status;
            String metrics;
            String api;
            do {
                status = bridge.status().current();
                metrics = get(port, "/metrics").body();
                api = get(port, "/api/status").body();
            } while (status != bridge.status().current());
            assertThat(metric(metrics, "agent_state_bridge_lag_seconds")).isEqualTo(status.lagSeconds());
            assertThat(metric(metrics, "agent_state_bridge_state\\{[^}]*state=\"STREAMING\"[^}]*}")).isEqualTo(1.0);
            assertThat(metric(metrics, "agent_state_bridge_slot_retained_wal_bytes"))
                    .isEqualTo(status.slot().retainedWalBytes().doubleValue());
            assertThat(metric(metrics, "agent_state_bridge_events_applied_total")).isGreaterThanOrEqualTo(status.eventsAppliedTotal());
            assertThat(api).contains("\"state\":\"STREAMING\"").contains("\"events_applied_total\":" + status.eventsAppliedTotal());
            assertThat(metric(metrics, "agent_state_bridge_role\\{[^}]*role=\"active\"[^}]*}")).isEqualTo(1.0);
            assertThat(metric(metrics, "agent_state_bridge_role\\{[^}]*role=\"standby\"[^}]*}")).isEqualTo(0.0);
            assertThat(metric(metrics, "agent_state_bridge_instances\\{[^}]*role=\"active\"[^}]*}")).isEqualTo(1.0);
            assertThat(metric(metrics, "agent_state_bridge_instances\\{[^}]*role=\"standby\"[^}]*}")).isEqualTo(0.0);
            assertThat(api).contains("\"role\":\"active\"")
                    .contains("\"instances\":[{\"instance_id\":\"" + bridge.instance().instanceId() + "\",\"role\":\"active\"");

            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200);
            CommandResult healthy = statusCommand(databases, settings.name());
            assertThat(healthy.exitCode()).as(healthy.output()).isZero();
            assertThat(healthy.output()).contains(BridgeState.STREAMING.name()).contains("healthy").contains("slot");

            load.stop();
            writer.join();
        }
        // Stopped: the tables say so, and `status` is no longer healthy.
        Map<String, Object> row = statusRow(databases, settings.name());
        assertThat(row.get("state")).isEqualTo(BridgeState.STOPPED.name());
        assertThat(instanceRow(databases, settings.name(), (String) row.get("instance_id"))).containsEntry("state", BridgeState.STOPPED.name());
        CommandResult stopped = statusCommand(databases, settings.name());
        assertThat(stopped.exitCode()).as(stopped.output()).isEqualTo(1);
        assertThat(stopped.output()).contains("NOT healthy");
    }

    private static Map<String, Object> statusRow(BridgeDatabases databases, String name) throws Exception {
        try (Connection connection = DriverManager.getConnection(databases.target().jdbcUrl());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT state, events_applied_total, lag_seconds, updated_at, instance_id "
                     + "FROM agent_state_bridge.status WHERE bridge_name = '" + name + "'")) {
            assertThat(rs.next()).as("status row for " + name).isTrue();
            return Map.of("state", rs.getString(1), "events_applied_total", rs.getLong(2), "lag_seconds", rs.getDouble(3),
                    "updated_at", rs.getTimestamp(4).toInstant(), "instance_id", rs.getString(5));
        }
    }

    private static Map<String, Object> instanceRow(BridgeDatabases databases, String name, String instanceId) throws Exception {
        try (Connection connection = DriverManager.getConnection(databases.target().jdbcUrl());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT role, state, pid, stale FROM agent_state_bridge.instance_status "
                     + "WHERE bridge_name = '" + name + "' AND instance_id = '" + instanceId + "'")) {
            assertThat(rs.next()).as("instances row for " + instanceId).isTrue();
            return Map.of("role", rs.getString(1), "state", rs.getString(2), "pid", rs.getLong(3), "stale", rs.getBoolean(4));
        }
    }

    private static double metric(String exposition, String namePattern) {
        Matcher matcher = Pattern.compile("(?m)^" + namePattern + "(\\{[^}]*})? ([0-9.eE+-]+|NaN)$").matcher(exposition);
        assertThat(matcher.find()).as("metric " + namePattern + " in\n" + exposition).isTrue();
        return Double.parseDouble(matcher.group(2));
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private record CommandResult(int exitCode, String output) {
    }

    private static CommandResult statusCommand(BridgeDatabases databases, String name) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            int exit = BridgeCommand.execute("status", "--target-url", databases.target().jdbcUrl(), "--name", name);
            return new CommandResult(exit, captured.toString());
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
