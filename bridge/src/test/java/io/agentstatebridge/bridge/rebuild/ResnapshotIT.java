package io.agentstatebridge.bridge.rebuild;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.BridgeProcess;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * `resnapshot` on a read side whose replication slot was dropped, while a writer keeps inserting
 * on the source and a reader keeps querying the read side: a first resnapshot killed mid-snapshot
 * changes nothing readers see, a second one finishes, readers only ever see a complete state (the
 * old one, then the new one), and `run` resumes from the new slot with nothing lost or counted twice.
 */
class ResnapshotIT {
    private static final int EXIT_SETUP = 2;
    private static final int EXIT_SLOT_LOST = 3;
    private static final String SHADOW = "agent_state_bridge_rebuild";

    @Test
    void rebuildsFromAFreshSnapshotWhileReadersKeepSeeingACompleteReadSide() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("resnapshot");
        String reader = databases.name() + "_reader";
        try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
            statement.execute("INSERT INTO agent_sessions (session_id, agent_id, agent_type) "
                    + "SELECT 'bulk-s' || i, 'bulk-a' || (i % 50), 'coder' FROM generate_series(1, 2000) i");
            statement.execute("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload, created_at) "
                    + "SELECT 'bulk-e' || i, 'bulk-a' || (i % 50), 'bulk-s' || (i % 2000 + 1), "
                    + "(ARRAY['message_received','tool_called','decision_made','error_occurred','session_ended'])[i % 5 + 1], "
                    + "jsonb_build_object('token_count', i % 300), now() - i * interval '1 ms' FROM generate_series(1, 30000) i");
        }
        try (BridgeProcess bridge = BridgeProcess.start("resnapshot-first-run", arguments("run", databases))) {
            await("first snapshot applied").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                    .until(() -> count(databases.target(), "SELECT count(*) FROM agent_events") == 30_000 || !bridge.isAlive());
            try (BridgeProcess refused = BridgeProcess.start("resnapshot-refused", arguments("resnapshot", databases))) {
                assertThat(refused.waitFor(Duration.ofSeconds(90))).as("see %s", refused.log()).isEqualTo(EXIT_SETUP);
                assertThat(refused.output()).contains("is running against the read side").contains("Stop it first");
            }
            assertThat(bridge.terminate()).isZero();
        }
        execute(databases.target(), "CREATE ROLE " + reader, "GRANT SELECT ON agent_events, agent_current_state TO " + reader);
        execute(databases.source(), "SELECT pg_drop_replication_slot('" + databases.name() + "')");
        long oldEvents = count(databases.target(), "SELECT count(*) FROM agent_events");
        String liveTable = text(databases.target(), "SELECT 'public.agent_events'::regclass::oid::text");
        String indexes = text(databases.target(), "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes "
                + "WHERE schemaname = 'public'");

        try (ReadSideReader readers = new ReadSideReader(databases.target(), oldEvents); InsertingWriter writer = new InsertingWriter(databases)) {
            try (BridgeProcess killed = BridgeProcess.start("resnapshot-killed", arguments("resnapshot", databases))) {
                await("shadow tables filling").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                        .until(() -> count(databases.target(), "SELECT count(*) FROM " + SHADOW + ".agent_events") > 0
                                || !killed.isAlive());
                assertThat(killed.isAlive()).as("resnapshot still running; see %s", killed.log()).isTrue();
                killed.kill();
            }
            assertThat(text(databases.target(), "SELECT 'public.agent_events'::regclass::oid::text")).isEqualTo(liveTable);
            assertThat(count(databases.target(), "SELECT count(*) FROM agent_events")).isEqualTo(oldEvents);

            try (BridgeProcess refused = BridgeProcess.start("resnapshot-run-on-new-slot", arguments("run", databases))) {
                assertThat(refused.waitFor(Duration.ofSeconds(90))).as("see %s", refused.log()).isEqualTo(EXIT_SLOT_LOST);
                assertThat(refused.output()).contains("was dropped and created again");
            }

            try (BridgeProcess resnapshot = BridgeProcess.start("resnapshot-complete", arguments("resnapshot", databases))) {
                assertThat(resnapshot.waitFor(Duration.ofMinutes(5))).as("see %s", resnapshot.log()).isZero();
                assertThat(resnapshot.output()).contains("resnapshot: done");
            }
            await("readers seeing the rebuilt tables").atMost(Duration.ofSeconds(30))
                    .until(() -> readers.latestEvents() > oldEvents);
            readers.assertOnlyCompleteStates();
            assertThat(writer.sessionsInserted()).as("sessions the writer inserted throughout").isPositive();
        }

        assertThat(text(databases.target(), "SELECT 'public.agent_events'::regclass::oid::text")).isNotEqualTo(liveTable);
        assertThat(text(databases.target(), "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes "
                + "WHERE schemaname = 'public'")).isEqualTo(indexes);
        assertThat(text(databases.target(), "SELECT has_table_privilege('" + reader + "', 'public.agent_events', 'SELECT')::text"))
                .isEqualTo("true");
        assertThat(count(databases.target(), "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'agent_state_bridge_re%'")).isZero();
        assertThat(count(databases.target(), "SELECT count(*) FROM agent_state_bridge.source_position")).isEqualTo(1);

        try (BridgeProcess bridge = BridgeProcess.start("resnapshot-then-run", arguments("run", databases))) {
            String differences = databases.verifyDifferences(Duration.ofSeconds(180));
            assertThat(differences).as("read side vs definitions after resnapshot and run; see %s", bridge.log()).isNull();
            assertThat(bridge.terminate()).isZero();
        }
    }

    private static String[] arguments(String command, BridgeDatabases databases) {
        return new String[] {command, "--source-url", databases.source().jdbcUrl(), "--target-url", databases.target().jdbcUrl(),
                "--name", databases.name(), "--slot", databases.name(), "--publication", databases.name(),
                "--max-batch-size", "256", "--http-port", "0"};
    }

    private static long count(DatabaseUrl database, String sql) {
        try {
            return Long.parseLong(text(database, sql));
        } catch (SQLException e) {
            return 0; // a table that does not exist yet
        }
    }

    private static String text(DatabaseUrl database, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl()); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(DatabaseUrl database, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl()); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /**
     * Queries the read side continuously, as readers do, and records every answer that is not a
     * complete state: fewer events than before the rebuild or than an earlier answer, projections
     * that disagree with the events replica in the same snapshot, or a position table holding
     * anything but the bridge's one row (read-your-writes waits on it).
     */
    private static final class ReadSideReader implements AutoCloseable {
        private static final String QUERY = "SELECT (SELECT count(*) FROM agent_events), "
                + "(SELECT COALESCE(sum(total_events), 0) FROM session_summary), "
                + "(SELECT count(*) FROM agent_current_state), "
                + "(SELECT count(DISTINCT e.agent_id) FROM agent_events e JOIN agent_sessions s USING (session_id)), "
                + "(SELECT count(*) FROM agent_state_bridge.source_position)";

        private final List<String> violations = new CopyOnWriteArrayList<>();
        private final AtomicBoolean reading = new AtomicBoolean(true);
        private final AtomicLong latestEvents = new AtomicLong();
        private final AtomicLong reads = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        ReadSideReader(DatabaseUrl target, long oldEvents) {
            latestEvents.set(oldEvents);
            thread = new Thread(() -> read(target), "read-side-reader");
            thread.start();
        }

        private void read(DatabaseUrl target) {
            try (Connection connection = DriverManager.getConnection(target.jdbcUrl()); Statement statement = connection.createStatement()) {
                while (reading.get()) {
                    try (ResultSet rs = statement.executeQuery(QUERY)) {
                        rs.next();
                        long events = rs.getLong(1);
                        if (events < latestEvents.get()) {
                            violations.add(events + " events after " + latestEvents.get());
                        }
                        if (rs.getLong(2) != events) {
                            violations.add("session_summary counts " + rs.getLong(2) + " events, the replica holds " + events);
                        }
                        if (rs.getLong(3) != rs.getLong(4)) {
                            violations.add("agent_current_state has " + rs.getLong(3) + " agents, the replicas " + rs.getLong(4));
                        }
                        if (rs.getLong(5) != 1) {
                            violations.add(rs.getLong(5) + " rows in agent_state_bridge.source_position");
                        }
                        latestEvents.set(Math.max(latestEvents.get(), events));
                        reads.incrementAndGet();
                    }
                    Thread.sleep(20);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        long latestEvents() {
            return latestEvents.get();
        }

        void assertOnlyCompleteStates() {
            assertThat(failure.get()).as("reader failed").isNull();
            assertThat(reads.get()).as("reads done").isGreaterThan(100);
            assertThat(violations).as("incomplete states seen by readers").isEmpty();
        }

        @Override
        public void close() {
            reading.set(false);
            join(thread);
        }
    }

    /** Inserts a session and its events every few milliseconds: the read side only ever grows. */
    private static final class InsertingWriter implements AutoCloseable {
        private final AtomicBoolean writing = new AtomicBoolean(true);
        private final AtomicLong sessions = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        InsertingWriter(BridgeDatabases databases) {
            thread = new Thread(() -> write(databases), "inserting-writer");
            thread.start();
        }

        private void write(BridgeDatabases databases) {
            try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
                for (int i = 0; writing.get(); i++) {
                    statement.execute("INSERT INTO agent_sessions (session_id, agent_id, agent_type) "
                            + "VALUES ('w-s" + i + "', 'w-a" + (i % 20) + "', 'support');"
                            + "INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) "
                            + "SELECT 'w-e" + i + "-' || j, 'w-a" + (i % 20) + "', 'w-s" + i + "', 'tool_called', "
                            + "jsonb_build_object('token_count', j) FROM generate_series(1, 10) j");
                    sessions.incrementAndGet();
                    Thread.sleep(50);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }

        long sessionsInserted() {
            return sessions.get();
        }

        @Override
        public void close() {
            writing.set(false);
            join(thread);
            assertThat(failure.get()).as("writer failed").isNull();
        }
    }

    /** Waits for a test thread; an interrupted wait leaves the interrupt flag set. */
    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
