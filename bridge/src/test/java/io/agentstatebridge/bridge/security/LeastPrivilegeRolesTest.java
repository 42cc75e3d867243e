package io.agentstatebridge.bridge.security;

import io.agentstatebridge.bridge.cli.BridgeCommand;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.SourcePreflight;
import io.agentstatebridge.bridge.verify.Verification;
import io.agentstatebridge.projections.testing.PostgresFixture;
import io.agentstatebridge.projections.testing.PostgresFixture.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * `migrate --create-roles` against real PostgreSQL: each role can do its job (agents write, the
 * bridge passes its preflight and streams end to end, readers query) and nothing more, which
 * PostgreSQL itself enforces with SQLSTATE 42501 (insufficient privilege).
 */
class LeastPrivilegeRolesTest {
    private static final String DENIED = "42501";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final PostgresFixture postgres = PostgresFixture.get();

    @TempDir
    Path files;

    @Test
    void writerAppendsEventsStartsAndAnnotatesSessionsButCannotRewriteTheLog() throws Exception {
        Roles roles = migrateWithRoles("writer");
        try (Connection writer = roles.source(roles.writer)) {
            execute(writer, "INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('s1', 'a1', 'planner')");
            execute(writer, "INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) "
                    + "VALUES ('e1', 'a1', 's1', 'decision_made', '{\"token_count\": 3}')");
            assertThat(count(writer, "SELECT count(*) FROM agent_events WHERE session_id = 's1'")).isEqualTo(1);
            assertThat(count(writer, "SELECT count(*) FROM agent_sessions")).isEqualTo(1);
            execute(writer, "UPDATE agent_sessions SET user_id = 'u2', metadata = '{\"topic\": \"billing\"}' "
                    + "WHERE session_id = 's1'");
            assertThat(single(writer, "SELECT user_id || ' ' || (metadata ->> 'topic') FROM agent_sessions"))
                    .isEqualTo("u2 billing");
            assertThat(single(writer, "SELECT pg_current_wal_insert_lsn()::text"))
                    .as("the read-your-writes token a writer takes after its commit").isNotBlank();

            assertDenied(writer,
                    "UPDATE agent_events SET event_type = 'error' WHERE event_id = 'e1'",
                    "DELETE FROM agent_events WHERE event_id = 'e1'",
                    "TRUNCATE agent_events",
                    "UPDATE agent_sessions SET agent_id = 'a2' WHERE session_id = 's1'",
                    "UPDATE agent_sessions SET session_id = 's2', started_at = now()",
                    "DELETE FROM agent_sessions",
                    "TRUNCATE agent_sessions",
                    "SELECT * FROM agent_state_bridge.heartbeat",
                    "CREATE TABLE public.scratch (id INT)",
                    "CREATE SCHEMA scratch",
                    "CREATE PUBLICATION scratch FOR TABLE public.agent_events");
        }
    }

    @Test
    void bridgeRolePassesThePreflightAndStreamsEndToEndWithNothingMore() throws Exception {
        Roles roles = migrateWithRoles("bridge");
        DatabaseUrl source = DatabaseUrl.parse(roles.sourceUrl(roles.bridge), "source");
        DatabaseUrl target = DatabaseUrl.parse(roles.targetUrl(roles.bridge), "target");
        BridgeSettings settings = new BridgeSettings(source, target, roles.name, roles.name, roles.publication, 50);
        try (Connection writer = roles.source(roles.writer)) {
            execute(writer, "INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('s1', 'a1', 'planner')");
            insertEvents(writer, 1, 3); // arrive by snapshot

            assertThatCode(() -> new SourcePreflight(settings).run()).doesNotThrowAnyException();
            try (Bridge bridge = new Bridge(settings)) {
                bridge.start();
                insertEvents(writer, 4, 5); // arrive by streaming
                try (Connection reader = roles.target(roles.reader)) {
                    await().atMost(Duration.ofSeconds(120)).until(() ->
                            count(reader, "SELECT total_events FROM session_summary WHERE session_id = 's1'") == 5);
                    assertThat(single(reader, "SELECT last_event_type || '/' || agent_type FROM agent_current_state "
                            + "WHERE agent_id = 'a1'")).isEqualTo("tool_called/planner");
                    await().atMost(Duration.ofSeconds(60)).until(() ->
                            count(reader, "SELECT count(*) FROM agent_state_bridge.status WHERE state = '"
                                    + BridgeState.STREAMING.name() + "'") == 1);
                    await().atMost(Duration.ofSeconds(60)).until(() -> count(reader,
                            "SELECT count(*) FROM agent_state_bridge.instance_status WHERE role = 'active' AND NOT stale") == 1);
                }
                StringWriter status = new StringWriter();
                int statusExit = BridgeCommand.execute(new PrintWriter(status, true), new PrintWriter(status, true), "status",
                        "--target-url", roles.targetUrl(roles.reader), "--name", roles.name, "--max-lag-seconds", "600");
                assertThat(statusExit).as("`status` as the reader: " + status).isZero();
                StringWriter report = new StringWriter();
                boolean equal = new Verification(source, target, roles.name, Duration.ofSeconds(60),
                        new PrintWriter(report, true)).run();
                assertThat(equal).as(report.toString()).isTrue();
                assertThat(bridge.state()).matches(BridgeState::isRunning, "running");
            }
        }
        try (Connection admin = DriverManager.getConnection(roles.sourceDb.jdbcUrl())) {
            assertThat(single(admin, "SELECT pubowner::regrole::text FROM pg_publication WHERE pubname = '"
                    + roles.publication + "'")).as("the publication belongs to the migrating role").isEqualTo("postgres");
        }
        try (Connection bridgeOnSource = roles.source(roles.bridge); Connection bridgeOnTarget = roles.target(roles.bridge)) {
            assertDenied(bridgeOnSource,
                    "INSERT INTO agent_events (event_id, agent_id, session_id, event_type) VALUES ('x', 'a', 's', 't')",
                    "UPDATE agent_sessions SET user_id = 'u'",
                    "DELETE FROM agent_events",
                    "TRUNCATE agent_events",
                    "DELETE FROM agent_state_bridge.heartbeat",
                    "CREATE TABLE public.scratch (id INT)",
                    "CREATE TABLE agent_state_bridge.scratch (id INT)",
                    "ALTER PUBLICATION " + roles.publication + " DROP TABLE public.agent_sessions",
                    "CREATE PUBLICATION scratch FOR TABLE public.agent_events");
            assertDenied(bridgeOnTarget,
                    "CREATE TABLE public.scratch (id INT)",
                    "CREATE TABLE agent_state_bridge.scratch (id INT)",
                    "DROP TABLE public.agent_current_state",
                    "ALTER TABLE public.session_summary ADD COLUMN scratch INT",
                    "DELETE FROM agent_state_bridge.schema_history_read_side");
        }
    }

    @Test
    void bridgeRoleThatMayNotReadATableIsToldWhatToGrantAndRerunningRestoresIt() throws Exception {
        Roles roles = migrateWithRoles("no_select");
        postgres.executeAsSuperuser(roles.sourceDb.name(), "REVOKE SELECT ON public.agent_sessions FROM " + roles.bridge);
        DatabaseUrl source = DatabaseUrl.parse(roles.sourceUrl(roles.bridge), "source");
        BridgeSettings settings = new BridgeSettings(source, source, roles.name, roles.name, roles.publication, 50);

        assertThatThrownBy(() -> new SourcePreflight(settings).run())
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("the source role '" + roles.bridge + "' may not read public.agent_sessions, "
                        + "which the bridge snapshots")
                .hasMessageContaining("GRANT SELECT ON public.agent_sessions TO \"" + roles.bridge + "\";");

        Result again = migrate(roles.sourceDb, roles.targetDb, List.of("--writer-role", roles.writer,
                "--bridge-role", roles.bridge, "--reader-role", roles.reader, "--publication", roles.publication));
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThatCode(() -> new SourcePreflight(settings).run()).doesNotThrowAnyException();
    }

    @Test
    void readerQueriesProjectionsReplicasAndStatusButNothingElse() throws Exception {
        Roles roles = migrateWithRoles("reader");
        try (Connection reader = roles.target(roles.reader)) {
            for (String relation : List.of("agent_current_state", "session_summary", "agent_task_progress", "agent_events",
                    "agent_sessions", "agent_state_bridge.status", "agent_state_bridge.replication_lag",
                    "agent_state_bridge.instance_status", "agent_state_bridge.replica_lag")) {
                assertThat(count(reader, "SELECT count(*) FROM " + relation)).as(relation).isZero();
            }
            // Read-your-writes: the wait runs as its owner, so the reader needs no rights on source_position.
            assertThatThrownBy(() -> execute(reader, "SELECT agent_state_bridge.await_applied('0/1', 10)"))
                    .as("await_applied on a read side no bridge has filled yet")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("ASB01"));
            assertThat(single(reader, "SELECT coalesce(agent_state_bridge.visible_lsn()::text, 'none')")).isEqualTo("none");
            assertDenied(reader,
                    "INSERT INTO agent_current_state (agent_id, session_id, last_event_type, last_event_at, agent_type, "
                            + "session_started_at) VALUES ('a', 's', 't', now(), 'x', now())",
                    "UPDATE session_summary SET total_events = 0",
                    "DELETE FROM agent_task_progress",
                    "TRUNCATE agent_events",
                    "INSERT INTO agent_sessions (session_id, agent_id, agent_type, started_at) VALUES ('s', 'a', 'x', now())",
                    "UPDATE agent_state_bridge.status SET state = '" + BridgeState.STOPPED.name() + "'",
                    "SELECT * FROM agent_state_bridge.source_position",
                    "SELECT * FROM agent_state_bridge.heartbeat",
                    "SELECT * FROM agent_state_bridge.rejected_rows",
                    "SELECT * FROM agent_state_bridge.instances",
                    "SELECT * FROM agent_state_bridge.schema_history_read_side",
                    "CREATE TABLE public.scratch (id INT)",
                    "CREATE TABLE agent_state_bridge.scratch (id INT)",
                    "CREATE SCHEMA scratch");
        }
    }

    @Test
    void createRolesIsRepeatableAndQuotesAnyRoleName() throws Exception {
        TestDatabase source = postgres.createDatabase("roles_names_source");
        TestDatabase target = postgres.createDatabase("roles_names_target");
        String suffix = ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
        // Quotes, dollar quotes, a statement terminator and upper case: only correct quoting survives these.
        String writer = "Writer \"" + suffix + "\"; DROP TABLE agent_events; --";
        String bridge = "bridge $$" + suffix + "$$";
        String reader = "Reader's " + suffix;
        List<String> names = List.of("--writer-role", writer, "--bridge-role", bridge, "--reader-role", reader);

        Result first = migrate(source, target, names);
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("role \"" + writer + "\" (NOLOGIN: GRANT it to the roles your agents log in as)")
                .contains("role \"" + reader + "\" (NOLOGIN: GRANT it to the roles your readers log in as)")
                .doesNotContain("warning");

        List<String> withPasswords = new ArrayList<>(names);
        withPasswords.addAll(List.of("--writer-role-password-file", passwordFile("writer", "writer-secret").toString()));
        Result second = migrate(source, target, withPasswords);
        assertThat(second.exitCode()).as(second.output()).isZero();
        assertThat(second.output()).contains("role \"" + writer + "\" (LOGIN)").contains("role \"" + writer + "\": password set");

        try (Connection admin = DriverManager.getConnection(source.jdbcUrl())) {
            assertThat(count(admin, "SELECT count(*) FROM agent_events")).as("agent_events survived").isZero();
            assertThat(privilege(admin, writer, "public.agent_events", "INSERT")).isTrue();
            assertThat(privilege(admin, writer, "public.agent_events", "UPDATE")).isFalse();
            assertThat(privilege(admin, bridge, "public.agent_events", "SELECT")).isTrue();
            assertThat(privilege(admin, bridge, "public.agent_events", "INSERT")).isFalse();
            assertThat(privilege(admin, bridge, "agent_state_bridge.heartbeat", "UPDATE")).isTrue();
        }
        try (Connection admin = DriverManager.getConnection(target.jdbcUrl())) {
            assertThat(privilege(admin, reader, "public.agent_current_state", "SELECT")).isTrue();
            assertThat(privilege(admin, reader, "public.agent_current_state", "INSERT")).isFalse();
            assertThat(privilege(admin, bridge, "public.agent_current_state", "INSERT")).isTrue();
        }
        String url = "jdbc:postgresql://" + postgres.host() + ":" + postgres.port() + "/" + source.name()
                + "?user=" + URLEncoder.encode(writer, StandardCharsets.UTF_8) + "&password=writer-secret";
        try (Connection asWriter = DriverManager.getConnection(url)) {
            assertThat(single(asWriter, "SELECT current_user::text")).isEqualTo(writer);
        }
    }

    @Test
    void createRolesRefusesToRestrictTheRoleRunningIt() {
        TestDatabase source = postgres.createDatabase("roles_self_source");
        TestDatabase target = postgres.createDatabase("roles_self_target");
        String suffix = ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
        Result result = migrate(source, target, List.of("--writer-role", "writer_" + suffix, "--bridge-role", "postgres",
                "--reader-role", "reader_" + suffix));
        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("role \"postgres\" is the role running migrate")
                .contains("Run migrate --create-roles as the owner of the tables or a superuser");
    }

    /** Source and target migrated with --create-roles, every role given a password. */
    private Roles migrateWithRoles(String purpose) throws IOException {
        TestDatabase source = postgres.createDatabase("roles_" + purpose + "_source");
        TestDatabase target = postgres.createDatabase("roles_" + purpose + "_target");
        String suffix = ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
        Roles roles = new Roles(source, target, "writer_" + suffix, "bridge_" + suffix, "reader_" + suffix,
                "roles_" + suffix, "pub_" + suffix);
        Result result = migrate(source, target, List.of(
                "--writer-role", roles.writer, "--bridge-role", roles.bridge, "--reader-role", roles.reader,
                "--writer-role-password-file", passwordFile(roles.writer, roles.password(roles.writer)).toString(),
                "--bridge-role-password-file", passwordFile(roles.bridge, roles.password(roles.bridge)).toString(),
                "--reader-role-password-file", passwordFile(roles.reader, roles.password(roles.reader)).toString(),
                "--publication", roles.publication));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return roles;
    }

    private record Roles(TestDatabase sourceDb, TestDatabase targetDb, String writer, String bridge, String reader,
                         String name, String publication) {
        String password(String role) {
            return "pw-" + role;
        }

        String sourceUrl(String role) {
            return PostgresFixture.get().jdbcUrl(sourceDb.name(), role, password(role));
        }

        String targetUrl(String role) {
            return PostgresFixture.get().jdbcUrl(targetDb.name(), role, password(role));
        }

        Connection source(String role) throws SQLException {
            return DriverManager.getConnection(sourceUrl(role));
        }

        Connection target(String role) throws SQLException {
            return DriverManager.getConnection(targetUrl(role));
        }
    }

    private record Result(int exitCode, String output) {
    }

    /** `migrate --create-roles` in this JVM, as the superuser; stdout and stderr together. */
    private static Result migrate(TestDatabase source, TestDatabase target, List<String> options) {
        List<String> args = new ArrayList<>(List.of("migrate", "--create-roles",
                "--source-url", source.jdbcUrl(), "--target-url", target.jdbcUrl()));
        args.addAll(options);
        StringWriter output = new StringWriter();
        PrintWriter writer = new PrintWriter(output, true);
        int exitCode = BridgeCommand.execute(writer, writer, args.toArray(String[]::new));
        return new Result(exitCode, output.toString());
    }

    private Path passwordFile(String role, String password) throws IOException {
        return Files.writeString(files.resolve(role.replaceAll("[^A-Za-z0-9_]", "_") + ".password"), password + "\n");
    }

    private static void insertEvents(Connection writer, int first, int last) throws SQLException {
        try (PreparedStatement insert = writer.prepareStatement("INSERT INTO agent_events "
                + "(event_id, agent_id, session_id, event_type, payload) VALUES (?, 'a1', 's1', ?, '{\"token_count\": 5}')")) {
            for (int i = first; i <= last; i++) {
                insert.setString(1, "e" + i);
                insert.setString(2, i == last ? "tool_called" : "decision_made");
                insert.executeUpdate();
            }
        }
    }

    private static void assertDenied(Connection connection, String... statements) {
        for (String sql : statements) {
            assertThatThrownBy(() -> execute(connection, sql))
                    .as(sql)
                    .isInstanceOfSatisfying(SQLException.class,
                            e -> assertThat(e.getSQLState()).as(sql + ": " + e.getMessage()).isEqualTo(DENIED));
        }
    }

    private static boolean privilege(Connection admin, String role, String table, String privilege) throws SQLException {
        try (PreparedStatement query = admin.prepareStatement("SELECT has_table_privilege(?, ?, ?)")) {
            query.setString(1, role);
            query.setString(2, table);
            query.setString(3, privilege);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        String value = single(connection, sql);
        return value == null ? -1 : Long.parseLong(value);
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
