package io.agentstatebridge.bridge.security;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.source.DatabaseConnections;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.testing.SelfSignedCertificate;
import io.agentstatebridge.bridge.testing.TlsOnlyPostgres;
import io.agentstatebridge.bridge.verify.Verification;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The bridge against a PostgreSQL server that accepts only TLS: the ssl* parameters of the URLs
 * reach every connection, the connector's replication connection included, and a certificate
 * that does not verify stops it with an instruction, never with the password.
 */
class TlsConnectionsTest {
    private static final String PASSWORD = "tls-sentinel-9f3k";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private static TlsOnlyPostgres server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TlsOnlyPostgres.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void connectionsWithoutTlsAreRefusedWithTheTlsFix() {
        String plain = server.url("postgres", "postgres", PASSWORD, "sslmode=disable");
        assertThatThrownBy(() -> DriverManager.getConnection(plain).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"))
                .hasMessageContaining("no encryption");
        assertThatThrownBy(() -> DatabaseConnections.open(DatabaseUrl.parse(plain, "--source-url"), "source").close())
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("refuses unencrypted connections")
                .hasMessageContaining("sslmode=verify-full&sslrootcert=")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
    }

    @Test
    void bridgeStreamsSnapshotAndChangesOverVerifiedTlsOnEveryConnection() throws Exception {
        Databases databases = createDatabases("streams");
        DatabaseUrl source = DatabaseUrl.parse(databases.url(databases.source, server.verifyFull()), "source");
        DatabaseUrl target = DatabaseUrl.parse(databases.url(databases.target, server.verifyFull()), "target");
        try (Connection writer = DriverManager.getConnection(source.jdbcUrl())) {
            insertEvents(writer, 1, 3); // arrive by snapshot
            try (Bridge bridge = new Bridge(new BridgeSettings(source, target, databases.role, databases.role,
                    databases.role, 100))) {
                bridge.start();
                insertEvents(writer, 4, 4); // arrives by streaming
                try (Connection reader = DriverManager.getConnection(target.jdbcUrl())) {
                    await().atMost(Duration.ofSeconds(120)).until(() ->
                            "e4".equals(single(reader, "SELECT max(event_id) FROM agent_events"))
                                    && "4".equals(single(reader, "SELECT total_events FROM session_summary")));
                }
                StringWriter report = new StringWriter();
                assertThat(new Verification(source, target, databases.role, Duration.ofSeconds(60),
                        new PrintWriter(report, true)).run()).as(report.toString()).isTrue();

                try (Connection admin = server.openAsSuperuser("postgres")) {
                    assertThat(rows(admin, "SELECT s.ssl::text, s.version FROM pg_replication_slots slot "
                            + "JOIN pg_stat_replication r ON r.pid = slot.active_pid JOIN pg_stat_ssl s ON s.pid = r.pid "
                            + "WHERE slot.slot_name = '" + databases.role + "'"))
                            .as("the walsender streaming from the bridge's slot")
                            .singleElement().satisfies(row -> assertThat(row).startsWith("true/TLSv1."));
                    List<String> connections = rows(admin, "SELECT a.datname, a.backend_type, s.ssl::text "
                            + "FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid WHERE a.usename = '"
                            + databases.role + "' ORDER BY 1, 2, 3");
                    assertThat(connections).as("every connection of the bridge's role")
                            .contains(databases.source + "/walsender/true", databases.source + "/client backend/true",
                                    databases.target + "/client backend/true")
                            .allSatisfy(row -> assertThat(row).endsWith("/true"));
                }
                assertThat(bridge.state()).matches(BridgeState::isRunning, "running");
            }
        }
    }

    @Test
    void untrustedServerCertificateStopsTheBridgeWithTheTlsFixAndNoPassword() throws Exception {
        Databases databases = createDatabases("untrusted");
        SelfSignedCertificate stranger = SelfSignedCertificate.create(server.directory(), "stranger-" + databases.role);
        DatabaseUrl source = DatabaseUrl.parse(databases.url(databases.source,
                "sslmode=verify-full&sslrootcert=" + stranger.certificate()), "source");
        DatabaseUrl target = DatabaseUrl.parse(databases.url(databases.target, server.verifyFull()), "target");
        try (Bridge bridge = new Bridge(new BridgeSettings(source, target, databases.role, databases.role, databases.role, 100))) {
            assertThatThrownBy(bridge::start)
                    .isInstanceOf(SetupException.class)
                    .hasMessageContaining("the TLS connection to the source database at 127.0.0.1:" + server.port() + "/"
                            + databases.source + " failed")
                    .hasMessageContaining("sslrootcert must be the certificate (PEM) of the authority that signed the "
                            + "server's certificate")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t)).doesNotContain(PASSWORD);
                        }
                    });
            assertThat(bridge.state()).isEqualTo(BridgeState.FAILED);
        }
    }

    /** A role owning a migrated source and an empty target, both on the TLS-only server. */
    private record Databases(String role, String source, String target) {
        String url(String database, String tls) {
            return server.url(database, role, PASSWORD, tls);
        }
    }

    private static Databases createDatabases(String purpose) {
        String role = "tls_" + purpose + "_" + NAMES.incrementAndGet();
        Databases databases = new Databases(role, role + "_source", role + "_target");
        server.executeAsSuperuser("postgres",
                "CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD '" + PASSWORD + "'",
                "CREATE DATABASE " + databases.source + " OWNER " + role,
                "CREATE DATABASE " + databases.target + " OWNER " + role);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(databases.url(databases.source, server.verifyFull()));
        SchemaMigrations.migrateWriteSide(dataSource);
        return databases;
    }

    private static void insertEvents(Connection writer, int first, int last) throws SQLException {
        try (PreparedStatement insert = writer.prepareStatement("INSERT INTO agent_events "
                + "(event_id, agent_id, session_id, event_type, payload) VALUES (?, 'a1', 's1', 'tool_called', NULL)")) {
            for (int i = first; i <= last; i++) {
                insert.setString(1, "e" + i);
                insert.executeUpdate();
            }
        }
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Each row's columns joined by '/'. */
    private static List<String> rows(Connection connection, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(rs.getString(i));
                }
                rows.add(String.join("/", values));
            }
        }
        return rows;
    }
}
