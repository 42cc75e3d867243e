package io.agentstatebridge.bridge.source;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.config.SettingsException;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import io.agentstatebridge.projections.testing.PostgresFixture;
import io.agentstatebridge.projections.testing.PostgresFixture.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.replication.PGReplicationStream;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Each way the source can be unfit for streaming ends in a SetupException that names the problem
 * and the fix, against a real PostgreSQL; the happy path leaves the publication the connector needs.
 */
class SourcePreflightTest {
    private static final String SENTINEL = "s3cr3t-sentinel";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final PostgresFixture postgres = PostgresFixture.get();

    @Test
    void sourceWithoutLogicalDecodingIsRejectedWithTheWalLevelFix() {
        PostgresFixture plain = PostgresFixture.startWithoutLogicalDecoding();
        try {
            assertThatThrownBy(() -> preflight(plain.jdbcUrl("postgres")))
                    .isInstanceOf(SetupException.class)
                    .hasMessageContaining("has wal_level = replica")
                    .hasMessageContaining("needs wal_level = logical")
                    .hasMessageContaining("ALTER SYSTEM SET wal_level = logical;")
                    .hasMessageContaining("restart PostgreSQL");
        } finally {
            plain.stop();
        }
    }

    @Test
    void unreachableHostIsReportedWithWhatToCheck() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThatThrownBy(() -> preflight("jdbc:postgresql://127.0.0.1:" + closedPort + "/agents?user=postgres"))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("cannot reach the source database at 127.0.0.1:" + closedPort + "/agents")
                .hasMessageContaining("Check the host and port, that PostgreSQL is running");
    }

    @Test
    void missingDatabaseIsReportedWithItsName() {
        assertThatThrownBy(() -> preflight(postgres.jdbcUrl("no_such_database_here")))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("/no_such_database_here does not exist")
                .hasMessageContaining("Create it or fix the database name in the URL");
    }

    @Test
    void wrongPasswordIsReportedWithTheUserAndWhereToFixIt() {
        TestDatabase db = migratedSource("bad_password");
        String role = createRole("LOGIN PASSWORD 'right-password'");
        assertThatThrownBy(() -> preflight(postgres.jdbcUrl(db.name(), role, "wrong")))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("cannot log in to the source database")
                .hasMessageContaining("as user '" + role + "'")
                .hasMessageContaining("Check the user in the source URL and the password given for it");
    }

    @Test
    void rejectedPasswordNeverAppearsInTheError() {
        TestDatabase db = migratedSource("sentinel_password");
        String role = createRole("LOGIN PASSWORD 'right-password'");
        assertThatThrownBy(() -> preflight(postgres.jdbcUrl(db.name(), role, SENTINEL)))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("cannot log in")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SENTINEL))
                .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain(SENTINEL));
    }

    @Test
    void databaseUrlNeverPrintsItsPassword() {
        List<String> urls = List.of(
                "jdbc:postgresql://db.example.com:5432/agents?user=bridge&password=" + SENTINEL,
                "jdbc:postgresql://db.example.com/agents?password=" + SENTINEL + "&user=bridge&sslmode=require",
                "jdbc:postgresql://db.example.com/agents?user=bridge&PASSWORD=" + SENTINEL,
                "jdbc:postgresql://db.example.com/agents?user=bridge&sslpassword=" + SENTINEL);
        for (String url : urls) {
            DatabaseUrl parsed = DatabaseUrl.parse(url, "--source-url");
            assertThat(parsed.toString()).as(url).doesNotContain(SENTINEL).contains("[hidden]");
            assertThat(parsed.redacted()).as(url).doesNotContain(SENTINEL);
            assertThat(parsed.describe()).as(url).doesNotContain(SENTINEL);
            assertThat(parsed.password().toString()).doesNotContain(SENTINEL);
        }
        assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:mysql://db.example.com/agents?password=" + SENTINEL, "--source-url"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("--source-url is not a PostgreSQL JDBC URL")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SENTINEL));
        assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql://bridge:" + SENTINEL + "@db.example.com/agents", "--source-url"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("--source-url has credentials before the host")
                .hasMessageContaining("?user=...&password=...")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SENTINEL));
    }

    @Test
    void sourceWithoutTheWriteSideTablesIsRejectedWithTheMigrateCommand() {
        TestDatabase db = postgres.createDatabase("no_tables");
        assertThatThrownBy(() -> preflight(db.jdbcUrl()))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("has no table public.agent_events or public.agent_sessions")
                .hasMessageContaining("agent-state-bridge migrate");
    }

    @Test
    void roleWithoutReplicationIsRejectedWithTheAlterRoleFix() {
        TestDatabase db = migratedSource("no_replication");
        String role = createRole("LOGIN PASSWORD 'pw'");
        assertThatThrownBy(() -> preflight(postgres.jdbcUrl(db.name(), role, "pw")))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("the source role '" + role + "' may not stream changes")
                .hasMessageContaining("lacks the REPLICATION attribute")
                .hasMessageContaining("ALTER ROLE \"" + role + "\" WITH REPLICATION;");
    }

    @Test
    void roleThatMayNotCreateTheHeartbeatTableIsToldWhatToGrant() {
        TestDatabase db = migratedSource("no_create");
        String role = createRole("LOGIN REPLICATION PASSWORD 'pw'");
        assertThatThrownBy(() -> preflight(postgres.jdbcUrl(db.name(), role, "pw")))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("the source role '" + role + "' may not use the schema agent_state_bridge")
                .hasMessageContaining("GRANT USAGE, CREATE ON SCHEMA agent_state_bridge TO \"" + role + "\"");
    }

    @Test
    void roleThatMayNotCreateThePublicationIsGivenTheStatementToRunAsOwner() {
        TestDatabase db = migratedSource("no_publication_rights");
        migrateAsSuperuser(db, SchemaMigrations::migrateSourceBookkeeping);
        String role = createRole("LOGIN REPLICATION PASSWORD 'pw'");
        postgres.executeAsSuperuser(db.name(),
                "GRANT USAGE ON SCHEMA " + SchemaMigrations.BRIDGE_SCHEMA + " TO " + role,
                "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA " + SchemaMigrations.BRIDGE_SCHEMA + " TO " + role);
        String publication = uniqueName("pub");
        assertThatThrownBy(() -> preflight(postgres.jdbcUrl(db.name(), role, "pw"), uniqueName("slot"), publication))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("may not create or change the publication '" + publication + "'")
                .hasMessageContaining("CREATE PUBLICATION " + publication + " FOR TABLE public.agent_events, "
                        + "public.agent_sessions, agent_state_bridge.heartbeat;");
    }

    @Test
    void slotHeldByAnotherProcessIsRejectedNamingItsPid() throws Exception {
        TestDatabase db = migratedSource("slot_in_use");
        String slot = uniqueName("slot");
        String heldPublication = uniqueName("pub");
        postgres.executeAsSuperuser(db.name(), "CREATE PUBLICATION " + heldPublication + " FOR TABLE public.agent_events",
                "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        try {
            try (Connection replication = replicationConnection(db);
                 PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI()
                         .replicationStream().logical()
                         .withSlotName(slot)
                         .withSlotOption("proto_version", "1")
                         .withSlotOption("publication_names", heldPublication)
                         .start()) {
                assertThat(stream.isClosed()).as("the replication stream holding the slot").isFalse();
                int pid = await().atMost(Duration.ofSeconds(10)).until(() -> activePid(db, slot), p -> p != null);
                // The preflight gives a holder some seconds to let go (a dead bridge's walsender may
                // linger), so this test lasts that long: the slot stays held throughout.
                assertThatThrownBy(() -> preflight(db.jdbcUrl(), slot, uniqueName("pub")))
                        .isInstanceOf(SetupException.class)
                        .hasMessageContaining("the replication slot '" + slot + "' is in use by another process")
                        .hasMessageContaining("(PID " + pid + " on the source)")
                        .hasMessageContaining("give this instance its own slot with --slot");
            }
        } finally {
            dropSlotOnceReleased(db, slot);
        }
    }

    @Test
    void slotOfAnotherOutputPluginIsRejectedWithTheDropStatement() {
        TestDatabase db = migratedSource("slot_plugin");
        String slot = uniqueName("slot");
        postgres.executeAsSuperuser(db.name(), "SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        try {
            assertThatThrownBy(() -> preflight(db.jdbcUrl(), slot, uniqueName("pub")))
                    .isInstanceOf(SetupException.class)
                    .hasMessageContaining("the replication slot '" + slot + "' exists but uses the test_decoding plugin")
                    .hasMessageContaining("the bridge needs pgoutput")
                    .hasMessageContaining("SELECT pg_drop_replication_slot('" + slot + "');");
        } finally {
            dropSlotOnceReleased(db, slot);
        }
    }

    @Test
    void slotOfAnotherDatabaseIsRejectedNamingBothDatabases() {
        TestDatabase owner = postgres.createDatabase("slot_owner");
        TestDatabase db = migratedSource("slot_elsewhere");
        String slot = uniqueName("slot");
        postgres.executeAsSuperuser(owner.name(), "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        try {
            assertThatThrownBy(() -> preflight(db.jdbcUrl(), slot, uniqueName("pub")))
                    .isInstanceOf(SetupException.class)
                    .hasMessageContaining("the replication slot '" + slot + "' belongs to database " + owner.name()
                            + ", not " + db.name())
                    .hasMessageContaining("Choose another --slot");
        } finally {
            dropSlotOnceReleased(owner, slot);
        }
    }

    @Test
    void migratedSourcePassesAndGetsAPublicationOfTheBridgeTablesRepeatably() throws SQLException {
        TestDatabase db = migratedSource("happy");
        String publication = uniqueName("pub");
        String slot = uniqueName("slot");

        assertThatCode(() -> preflight(db.jdbcUrl(), slot, publication)).doesNotThrowAnyException();
        assertThatCode(() -> preflight(db.jdbcUrl(), slot, publication)).doesNotThrowAnyException();

        assertThat(publishedTables(db, publication)).containsExactlyInAnyOrder(
                "public.agent_events", "public.agent_sessions", "agent_state_bridge.heartbeat");
    }

    @Test
    void existingPublicationMissingATableIsCompleted() throws SQLException {
        TestDatabase db = migratedSource("partial_publication");
        String publication = uniqueName("pub");
        postgres.executeAsSuperuser(db.name(), "CREATE PUBLICATION " + publication + " FOR TABLE public.agent_events");

        preflight(db.jdbcUrl(), uniqueName("slot"), publication);

        assertThat(publishedTables(db, publication)).containsExactlyInAnyOrder(
                "public.agent_events", "public.agent_sessions", "agent_state_bridge.heartbeat");
    }

    /** Issue 10, item 8: a publication that would silently keep changes from the bridge is refused, with the fix. */
    @Test
    void existingPublicationWithoutTruncatesRowFilterOrColumnListIsRefusedWithTheFix() {
        TestDatabase db = migratedSource("narrow_publication");
        String publication = uniqueName("pub");
        postgres.executeAsSuperuser(db.name(), "CREATE PUBLICATION " + publication + " FOR TABLE "
                + "public.agent_events (event_id, agent_id, session_id, event_type, created_at), "
                + "public.agent_sessions WHERE (agent_type <> 'internal') "
                + "WITH (publish = 'insert, update, delete')");

        assertThatThrownBy(() -> preflight(db.jdbcUrl(), uniqueName("slot"), publication))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("the publication '" + publication + "' on the source would keep changes from the bridge")
                .hasMessageContaining("ALTER PUBLICATION " + publication + " SET (publish = 'insert, update, delete, truncate');")
                .hasMessageContaining("publishes only the rows of public.agent_sessions WHERE")
                .hasMessageContaining("publishes only some columns of public.agent_events")
                .hasMessageContaining("ALTER PUBLICATION " + publication + " DROP TABLE public.agent_events; ALTER PUBLICATION "
                        + publication + " ADD TABLE public.agent_events;");
    }

    /** Issue 10, item 9: tables made by hand must have what the read side relies on; every shortfall is listed. */
    @Test
    void writeSideTablesWithoutKeysNotNullOrExactTypesAreRefusedListingEveryFix() {
        TestDatabase db = postgres.createDatabase("hand_made_tables");
        postgres.executeAsSuperuser(db.name(),
                "CREATE TABLE public.agent_sessions (session_id text, agent_id text, user_id text, agent_type text, "
                        + "started_at timestamp, metadata json)",
                "CREATE TABLE public.agent_events (event_id varchar PRIMARY KEY, agent_id varchar, session_id varchar NOT NULL, "
                        + "event_type varchar NOT NULL, payload jsonb, created_at timestamptz NOT NULL)",
                "ALTER TABLE public.agent_events REPLICA IDENTITY NOTHING");

        assertThatThrownBy(() -> preflight(db.jdbcUrl()))
                .isInstanceOf(SetupException.class)
                .hasMessageContaining("lack what the bridge needs to keep the read side exact (9 problems)")
                .hasMessageContaining("ALTER TABLE public.agent_events ALTER COLUMN agent_id SET NOT NULL;")
                .hasMessageContaining("its REPLICA IDENTITY is NOTHING")
                .hasMessageContaining("ALTER TABLE public.agent_events REPLICA IDENTITY DEFAULT;")
                .hasMessageContaining("public.agent_sessions has no primary key or unique index on session_id alone")
                .hasMessageContaining("ALTER TABLE public.agent_sessions ADD PRIMARY KEY (session_id);")
                .hasMessageContaining("public.agent_sessions.started_at is of type timestamp")
                .hasMessageContaining("ALTER TABLE public.agent_sessions ALTER COLUMN started_at TYPE timestamptz;")
                .hasMessageContaining("public.agent_sessions.metadata is of type json")
                .hasMessageContaining("ALTER TABLE public.agent_sessions ALTER COLUMN agent_type SET NOT NULL;");
    }

    @Test
    void handMadeTablesWithTextColumnsAndTheNeededConstraintsPass() {
        TestDatabase db = postgres.createDatabase("hand_made_ok");
        postgres.executeAsSuperuser(db.name(),
                "CREATE TABLE public.agent_sessions (session_id text PRIMARY KEY, agent_id text NOT NULL, user_id text, "
                        + "agent_type text NOT NULL, started_at timestamptz NOT NULL, metadata jsonb, extra int)",
                "CREATE TABLE public.agent_events (event_id text NOT NULL, agent_id text NOT NULL, session_id text NOT NULL, "
                        + "event_type text NOT NULL, payload jsonb, created_at timestamptz NOT NULL)",
                "CREATE UNIQUE INDEX agent_events_id ON public.agent_events (event_id)",
                "ALTER TABLE public.agent_events REPLICA IDENTITY USING INDEX agent_events_id");

        assertThatCode(() -> preflight(db.jdbcUrl())).doesNotThrowAnyException();
    }

    private static void preflight(String sourceUrl) {
        preflight(sourceUrl, uniqueName("slot"), uniqueName("pub"));
    }

    private static void preflight(String sourceUrl, String slot, String publication) {
        DatabaseUrl source = DatabaseUrl.parse(sourceUrl, "--source-url");
        // The preflight never opens the target, so the source URL stands in for it.
        // A slot held by a live process is reported at once here; `run` waits a little for a dead one.
        new SourcePreflight(new BridgeSettings(source, source, "preflight_test", slot, publication, 100), Duration.ZERO).run();
    }

    private TestDatabase migratedSource(String purpose) {
        TestDatabase db = postgres.createDatabase(purpose);
        migrateAsSuperuser(db, SchemaMigrations::migrateWriteSide);
        return db;
    }

    private static void migrateAsSuperuser(TestDatabase db, Consumer<PGSimpleDataSource> migration) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(db.jdbcUrl());
        migration.accept(dataSource);
    }

    /** A new cluster-wide role; names are unique per JVM so tests never share one. */
    private String createRole(String attributes) {
        String role = uniqueName("role");
        postgres.executeAsSuperuser("postgres", "CREATE ROLE " + role + " " + attributes);
        return role;
    }

    private static String uniqueName(String kind) {
        return "preflight_" + kind + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    }

    private static Connection replicationConnection(TestDatabase db) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("replication", "database");
        properties.setProperty("assumeMinServerVersion", "9.4");
        properties.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(db.jdbcUrl(), properties);
    }

    private static Integer activePid(TestDatabase db, String slot) throws SQLException {
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl());
             PreparedStatement query = connection.prepareStatement(
                     "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? (Integer) rs.getObject(1) : null;
            }
        }
    }

    /** The walsender lets go of a slot shortly after its connection closes; drop it then. */
    private static void dropSlotOnceReleased(TestDatabase db, String slot) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            try (Connection connection = DriverManager.getConnection(db.jdbcUrl());
                 PreparedStatement drop = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                drop.setString(1, slot);
                drop.execute();
            }
        });
    }

    private static List<String> publishedTables(TestDatabase db, String publication) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(db.jdbcUrl());
             PreparedStatement query = connection.prepareStatement(
                     "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }
}
