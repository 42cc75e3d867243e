package io.agentstatebridge.bridge.config;

import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeProcess;
import io.agentstatebridge.loadgen.LoadGenerator;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.agentstatebridge.projections.testing.PostgresFixture;
import io.agentstatebridge.projections.testing.PostgresFixture.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The built jar runs as a role that must present a password (scram-sha-256) on both databases,
 * given each way the bridge takes one apart from the URL: a file named by an option, a variable, a
 * file named by a variable, the PostgreSQL password file. It streams changes, loses its read-side
 * connections mid-batch, and is started with a wrong password given each of those ways and in the
 * URL, and with an unreachable source. The password then appears nowhere: not in the process's
 * command line (what every local user reads with ps), its output, the error messages, any row the
 * bridge keeps on either database, /metrics, /api/status, /api/history, the status page or what
 * `status` prints.
 */
class PasswordNeverShownIT {
    /** Distinctive enough that finding it anywhere can only mean it leaked. */
    private static final String PASSWORD = "S3cr3t-" + Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newHttpClient();
    /** Everything the bridge showed, by where it showed it. */
    private final Map<String, String> shown = new LinkedHashMap<>();

    @Test
    void passwordAppearsInNoOutputErrorStatusRowEndpointOrPage() throws Exception {
        PostgresFixture postgres = PostgresFixture.get();
        String role = "bridge_pw_" + ProcessHandle.current().pid();
        TestDatabase source = postgres.createDatabase("pw_source");
        TestDatabase target = postgres.createDatabase("pw_target");
        // Owner of both databases: it creates the write side (so it may publish its tables) and the read side.
        postgres.executeAsSuperuser("postgres", "CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD '" + PASSWORD + "'",
                "ALTER DATABASE " + source.name() + " OWNER TO " + role, "ALTER DATABASE " + target.name() + " OWNER TO " + role);
        // The test's own connections carry the password in the URL; the bridge's never do.
        String sourceUrl = postgres.jdbcUrl(source.name(), role, PASSWORD);
        String targetUrl = postgres.jdbcUrl(target.name(), role, PASSWORD);
        String bareSource = withoutPassword(sourceUrl);
        String bareTarget = withoutPassword(targetUrl);
        Path passwordFile = secretFile("password", PASSWORD);
        PGSimpleDataSource writeSide = new PGSimpleDataSource();
        writeSide.setUrl(sourceUrl);
        SchemaMigrations.migrateWriteSide(writeSide);
        String name = "pw_" + ProcessHandle.current().pid();

        startupErrorsNameTheProblem(postgres, sourceUrl, targetUrl, name);

        int port = freePort();
        // Source: a file named by an option; target: the password itself in a variable.
        try (BridgeProcess bridge = BridgeProcess.start(Map.of("AGENT_STATE_BRIDGE_TARGET_PASSWORD", PASSWORD), BridgeProcess.jar(),
                "password-bridge", run(bareSource, bareTarget, name, "--source-password-file", passwordFile.toString(),
                        "--http-port", String.valueOf(port)));
             LoadGenerator load = new LoadGenerator(sourceUrl,
                     new LoadGenerator.LoadSettings(10, 100, Duration.ZERO, 2, 5))) {
            await("bridge streaming").atMost(Duration.ofSeconds(120))
                    .until(() -> bridge.output().contains("streaming from") || !bridge.isAlive());
            assertThat(bridge.isAlive()).as("bridge running; see %s", bridge.log()).isTrue();
            shown.put("command line of the bridge (ps)", bridge.commandLine());
            Thread writer = new Thread(() -> {
                try {
                    load.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "password-test-load");
            writer.start();
            await("changes applied").atMost(Duration.ofSeconds(60)).until(() -> applied(postgres, target, name) > 200);

            dropReadSideConnectionsMidBatch(postgres, target, role);
            await("the bridge reports the lost connection").atMost(Duration.ofSeconds(60))
                    .until(() -> bridge.output().contains("the read side is unavailable"));
            long afterFailure = applied(postgres, target, name);
            await("applying again after the failure").atMost(Duration.ofSeconds(60))
                    .until(() -> applied(postgres, target, name) > afterFailure);

            for (String path : List.of("/metrics", "/api/status", "/api/history", "/", "/index.html", "/status.js", "/status.css")) {
                shown.put("GET " + path, get(port, path));
            }
            assertThat(shown.get("GET /metrics")).contains("agent_state_bridge_events_applied_total");
            assertThat(shown.get("GET /api/status")).contains("\"state\":\"STREAMING\"").contains("\"role\":\"active\"");

            // A file named by a variable.
            try (BridgeProcess status = BridgeProcess.start(Map.of("AGENT_STATE_BRIDGE_TARGET_PASSWORD_FILE", passwordFile.toString()),
                    BridgeProcess.jar(), "password-status", "status", "--target-url", bareTarget, "--name", name)) {
                status.waitFor(EXIT_TIMEOUT);
                shown.put("output of `status`", status.output());
            }
            assertThat(shown.get("output of `status`")).contains(BridgeState.STREAMING.name()).contains("instances");

            load.stop();
            writer.join(30_000);
            assertThat(bridge.terminate()).as("exit status on SIGTERM; see %s", bridge.log()).isZero();
            shown.put("output of the bridge", bridge.output());
        }
        resumesWithThePasswordFile(postgres, target, sourceUrl, bareSource, bareTarget, name);
        shown.put("agent_state_bridge.* on the read side", bookkeepingRows(postgres.jdbcUrl(target.name())));
        shown.put("agent_state_bridge.* on the write side", bookkeepingRows(postgres.jdbcUrl(source.name())));
        assertThat(shown.get("agent_state_bridge.* on the read side")).contains(name).contains(BridgeState.STOPPED.name()).contains("active");

        shown.forEach((where, text) -> assertThat(text).as("%s:%n%s", where, text).isNotEmpty().doesNotContain(PASSWORD));
    }

    /** A wrong password given each way, for either database, and an unreachable source: exit 2 and an instruction. */
    private void startupErrorsNameTheProblem(PostgresFixture postgres, String sourceUrl, String targetUrl, String name)
            throws Exception {
        String wrong = PASSWORD + "-wrong"; // still carries the password, so an echo of it would be caught
        String bareSource = withoutPassword(sourceUrl);
        String bareTarget = withoutPassword(targetUrl);
        String unreachable = bareSource.replaceFirst(":\\d+/", ":" + freePort() + "/");
        Path wrongFile = secretFile("wrong-password", wrong);
        Path rightFile = secretFile("right-password", PASSWORD);
        Path wrongPgpass = secretFile("wrong-pgpass", postgres.host() + ":" + postgres.port() + ":*:*:" + wrong);
        record Attempt(String what, Map<String, String> environment, String[] arguments, String expected) {
        }
        List<Attempt> attempts = List.of(
                new Attempt("wrong target password in a variable", Map.of("AGENT_STATE_BRIDGE_TARGET_PASSWORD", wrong,
                        "AGENT_STATE_BRIDGE_SOURCE_PASSWORD_FILE", rightFile.toString()),
                        run(bareSource, bareTarget, name, "--http-port", "0"), "cannot log in to the target database"),
                new Attempt("wrong source password in a file", Map.of("AGENT_STATE_BRIDGE_TARGET_PASSWORD", PASSWORD),
                        run(bareSource, bareTarget, name, "--source-password-file", wrongFile.toString(), "--http-port", "0"),
                        "cannot log in to the source database"),
                new Attempt("wrong source password in the PostgreSQL password file", Map.of("PGPASSFILE", wrongPgpass.toString(),
                        "AGENT_STATE_BRIDGE_TARGET_PASSWORD", PASSWORD), run(bareSource, bareTarget, name, "--http-port", "0"),
                        "cannot log in to the source database"),
                new Attempt("wrong target password in the URL", Map.of(),
                        run(sourceUrl, targetUrl.replace(PASSWORD, wrong), name, "--http-port", "0"),
                        "cannot log in to the target database"),
                new Attempt("unreachable source", Map.of("AGENT_STATE_BRIDGE_SOURCE_PASSWORD", PASSWORD,
                        "AGENT_STATE_BRIDGE_TARGET_PASSWORD", PASSWORD), run(unreachable, bareTarget, name, "--http-port", "0"),
                        "cannot reach the source database"));
        for (Attempt attempt : attempts) {
            try (BridgeProcess failing = BridgeProcess.start(attempt.environment(), BridgeProcess.jar(),
                    "password-" + attempt.what().replace(' ', '-'), attempt.arguments())) {
                int exit = failing.waitFor(EXIT_TIMEOUT);
                String output = failing.output();
                assertThat(exit).as("%s: exit status; output:%n%s", attempt.what(), output).isEqualTo(2);
                assertThat(output).contains(attempt.expected());
                shown.put("output with a " + attempt.what(), output);
            }
        }
    }

    /**
     * The PostgreSQL password file alone: the bridge started again with neither a password option nor a
     * variable resumes streaming, its connector's replication connection included.
     */
    private void resumesWithThePasswordFile(PostgresFixture postgres, TestDatabase target, String sourceUrl, String bareSource,
                                            String bareTarget, String name) throws Exception {
        Path pgpass = secretFile("pgpass", postgres.host() + ":" + postgres.port() + ":*:*:" + PASSWORD);
        long before = applied(postgres, target, name);
        try (BridgeProcess bridge = BridgeProcess.start(Map.of("PGPASSFILE", pgpass.toString()), BridgeProcess.jar(),
                "password-pgpass", run(bareSource, bareTarget, name, "--http-port", "0"));
             LoadGenerator load = new LoadGenerator(sourceUrl, new LoadGenerator.LoadSettings(5, 50, Duration.ofSeconds(3), 1, 6))) {
            await("bridge streaming with the password file").atMost(Duration.ofSeconds(120))
                    .until(() -> bridge.output().contains("streaming from") || !bridge.isAlive());
            assertThat(bridge.isAlive()).as("bridge running; see %s", bridge.log()).isTrue();
            shown.put("command line of the bridge using the password file (ps)", bridge.commandLine());
            load.run();
            await("changes applied with the password file").atMost(Duration.ofSeconds(60))
                    .until(() -> applied(postgres, target, name) > before);
            assertThat(bridge.terminate()).as("exit status on SIGTERM; see %s", bridge.log()).isZero();
            shown.put("output of the bridge using the password file", bridge.output());
        }
    }

    /**
     * Holds a lock the bridge's next batch needs, waits until a batch waits on it, then ends every
     * read-side session of the bridge's role: the batch in flight fails on a lost connection.
     */
    private static void dropReadSideConnectionsMidBatch(PostgresFixture postgres, TestDatabase target, String role)
            throws SQLException {
        try (Connection locker = DriverManager.getConnection(postgres.jdbcUrl(target.name()));
             Connection admin = DriverManager.getConnection(postgres.jdbcUrl(target.name()))) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("LOCK TABLE public.agent_events IN ACCESS EXCLUSIVE MODE");
            }
            String waiting = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = '"
                    + role + "' AND wait_event_type = 'Lock'";
            await("a batch waiting on the lock").atMost(Duration.ofSeconds(60)).until(() -> count(admin, waiting) > 0);
            count(admin, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND usename = '" + role + "'");
            locker.rollback();
        }
    }

    private static long applied(PostgresFixture postgres, TestDatabase target, String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(target.name()))) {
            return count(connection, "SELECT COALESCE(max(events_applied_total), 0) FROM agent_state_bridge.status "
                    + "WHERE bridge_name = '" + name + "' AND state = '" + BridgeState.STREAMING.name() + "'");
        }
    }

    private static String withoutPassword(String url) {
        return url.replaceFirst("&password=[^&]*", "");
    }

    /** A file only this user may read, as a password file should be. */
    private static Path secretFile(String name, String firstLine) throws IOException {
        Path file = Files.createTempFile("agent-state-bridge-" + name, "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(file, firstLine + "\n");
        file.toFile().deleteOnExit();
        return file;
    }

    /** Every row of every table and view in the bridge's schema, as text. */
    private static String bookkeepingRows(String superuserUrl) throws SQLException {
        StringBuilder text = new StringBuilder();
        try (Connection connection = DriverManager.getConnection(superuserUrl); Statement statement = connection.createStatement()) {
            List<String> relations = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname = 'agent_state_bridge' AND c.relkind IN ('r', 'v') ORDER BY 1")) {
                while (rs.next()) {
                    relations.add(rs.getString(1));
                }
            }
            for (String relation : relations) {
                try (ResultSet rs = statement.executeQuery("SELECT r::text FROM agent_state_bridge." + relation + " r")) {
                    while (rs.next()) {
                        text.append(relation).append(": ").append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return text.toString();
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql); ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String[] run(String sourceUrl, String targetUrl, String name, String... more) {
        List<String> arguments = new ArrayList<>(List.of("run", "--source-url", sourceUrl, "--target-url", targetUrl,
                "--name", name, "--slot", name, "--publication", name, "--max-batch-size", "64"));
        arguments.addAll(List.of(more));
        return arguments.toArray(String[]::new);
    }

    private String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return response.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
