package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.BridgeProcess;
import io.agentstatebridge.bridge.testing.SlotLimitedPostgres;
import io.agentstatebridge.bridge.verify.Verification;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The replication slot disappears under a bridge that has a stored position: the changes between
 * that position and now are gone from the source, so the bridge must stop with exit status 3,
 * name the cause and the recovery command, and never create a new slot and stream on as if
 * nothing had been lost. `resnapshot` then recovers.
 */
class SlotLossIT {
    private static final int EXIT_SLOT_LOST = 3;

    @Test
    void slotDroppedWhileStreamingStopsTheBridgeNamingTheCauseAndTheRecovery() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("slot_dropped");
        insertEvents(databases, 0, 300);
        try (BridgeProcess bridge = BridgeProcess.start("slot-dropped-run", arguments(databases))) {
            awaitEventsOnTheReadSide(databases, 300, bridge);
            insertEvents(databases, 300, 10);
            awaitEventsOnTheReadSide(databases, 310, bridge); // streaming, not only snapshotted
            await("slot in use").atMost(Duration.ofSeconds(30))
                    .until(() -> databases.count(databases.source(), "SELECT count(*) FROM pg_replication_slots "
                            + "WHERE slot_name = '" + databases.name() + "' AND active") == 1);

            dropSlotUnderTheBridge(databases);
            insertEvents(databases, 310, 50); // changes only the dropped slot would have carried

            assertThat(bridge.waitFor(Duration.ofSeconds(120))).as("exit status; see %s", bridge.log()).isEqualTo(EXIT_SLOT_LOST);
            assertThat(bridge.output()).containsPattern("ERROR .*replication slot '" + databases.name() + "' was dropped")
                    .contains("java -jar agent-state-bridge.jar resnapshot");
            assertThat(slotExists(databases)).as("the bridge must not create a new slot and skip the changes in between").isFalse();
        }
    }

    /**
     * Nothing is stored on the read side before the snapshot is complete, so a slot dropped while
     * it runs costs nothing: the bridge notices before the copy is published, takes the snapshot
     * again on a new slot, and streams on from there.
     */
    @Test
    void slotDroppedDuringTheSnapshotMakesTheBridgeTakeItAgainOnANewSlot() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("slot_dropped_snapshot");
        try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
            statement.execute("INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('bulk-s', 'bulk-a', 'coder')");
            statement.execute("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) "
                    + "SELECT 'bulk-e' || i, 'bulk-a', 'bulk-s', 'tool_called', '{}' FROM generate_series(1, 300000) i");
        }
        try (BridgeProcess bridge = BridgeProcess.start("slot-dropped-in-snapshot-run", arguments(databases))) {
            await("snapshot under way").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                    .until(() -> copying(databases) || !bridge.isAlive());
            dropSlotUnderTheBridge(databases);
            insertEvents(databases, 100_000, 20); // changes the dropped slot would have carried

            StringWriter report = new StringWriter();
            boolean equal = new Verification(databases.source(), databases.target(), databases.name(), Duration.ofSeconds(120),
                    new PrintWriter(report, true)).run();
            assertThat(equal).as("read side vs definitions after the slot was dropped during the snapshot:%n%s", report).isTrue();
            assertThat(bridge.isAlive()).as("bridge running; see %s", bridge.log()).isTrue();
            assertThat(bridge.output()).contains("taking it again on a new slot");
            assertThat(bridge.terminate()).isZero();
        }
    }

    /** True while the bridge copies the source tables for its snapshot. */
    private static boolean copying(BridgeDatabases databases) throws SQLException {
        return databases.count(databases.source(), "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND application_name = 'agent-state-bridge' AND state = 'active' AND query LIKE 'COPY (SELECT%'") > 0;
    }

    @Test
    void startingWithAStoredPositionButNoSlotRefuses() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("slot_gone");
        insertEvents(databases, 0, 100);
        try (BridgeProcess bridge = BridgeProcess.start("slot-gone-first-run", arguments(databases))) {
            awaitEventsOnTheReadSide(databases, 100, bridge);
            assertThat(bridge.terminate()).isZero();
        }
        dropSlotUnderTheBridge(databases);
        insertEvents(databases, 100, 50);

        try (BridgeProcess bridge = BridgeProcess.start("slot-gone-second-run", arguments(databases))) {
            assertThat(bridge.waitFor(Duration.ofSeconds(90))).as("exit status; see %s", bridge.log()).isEqualTo(EXIT_SLOT_LOST);
            assertThat(bridge.output()).contains("error: replication slot '" + databases.name() + "' was dropped")
                    .contains("java -jar agent-state-bridge.jar resnapshot");
        }
        assertThat(slotExists(databases)).isFalse();
        assertThat(databases.count(databases.target(), "SELECT count(*) FROM agent_events")).isEqualTo(100);
    }

    @Test
    void slotInvalidatedPastMaxSlotWalKeepSizeRefusesAndResnapshotRecovers() throws Exception {
        try (SlotLimitedPostgres postgres = SlotLimitedPostgres.start()) {
            DatabaseUrl source = postgres.createDatabase("invalidated_source", true);
            DatabaseUrl target = postgres.createDatabase("invalidated_target", false);
            String name = "invalidated";
            insertEvents(source, 0, 200);
            try (BridgeProcess bridge = BridgeProcess.start("slot-invalidated-first-run", arguments("run", source, target, name))) {
                await("bridge applying the first events").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> eventsOn(target) >= 200 || !bridge.isAlive());
                assertThat(bridge.terminate()).as("see %s", bridge.log()).isZero();
            }
            insertEvents(source, 200, 50); // the slot holds these, until PostgreSQL drops the WAL under it
            postgres.invalidateSlot("invalidated_source", name);

            try (BridgeProcess bridge = BridgeProcess.start("slot-invalidated-second-run", arguments("run", source, target, name))) {
                assertThat(bridge.waitFor(Duration.ofSeconds(90))).as("exit status; see %s", bridge.log()).isEqualTo(EXIT_SLOT_LOST);
                assertThat(bridge.output())
                        .contains("error: replication slot '" + name + "' was invalidated on the source (wal_removed: ")
                        .contains("max_slot_wal_keep_size")
                        .contains("java -jar agent-state-bridge.jar resnapshot");
            }
            assertThat(eventsOn(target)).as("the read side keeps its last complete state").isEqualTo(200);

            postgres.allowSlotsAnyWal();
            try (BridgeProcess resnapshot = BridgeProcess.start("slot-invalidated-resnapshot", arguments("resnapshot", source, target, name))) {
                assertThat(resnapshot.waitFor(Duration.ofSeconds(180))).as("see %s", resnapshot.log()).isZero();
                assertThat(resnapshot.output()).contains("resnapshot: done");
            }
            assertThat(eventsOn(target)).isEqualTo(250);
            try (BridgeProcess bridge = BridgeProcess.start("slot-invalidated-after-resnapshot", arguments("run", source, target, name))) {
                insertEvents(source, 250, 30);
                StringWriter report = new StringWriter();
                boolean equal = new Verification(source, target, name, Duration.ofSeconds(120), new PrintWriter(report, true)).run();
                assertThat(equal).as("read side vs definitions after resnapshot and run:%n%s", report).isTrue();
                assertThat(bridge.terminate()).isZero();
            }
        }
    }

    static String[] arguments(BridgeDatabases databases) {
        return arguments("run", databases.source(), databases.target(), databases.name());
    }

    static String[] arguments(String command, DatabaseUrl source, DatabaseUrl target, String name) {
        return new String[] {command, "--source-url", source.jdbcUrl(), "--target-url", target.jdbcUrl(),
                "--name", name, "--slot", name, "--publication", name, "--max-batch-size", "64", "--http-port", "0"};
    }

    static void insertEvents(BridgeDatabases databases, int from, int count) throws SQLException {
        insertEvents(databases.source(), from, count);
    }

    static void insertEvents(DatabaseUrl sourceUrl, int from, int count) throws SQLException {
        try (Connection source = DriverManager.getConnection(sourceUrl.jdbcUrl()); Statement statement = source.createStatement()) {
            statement.execute("INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES ('slot-s', 'slot-a', 'coder') "
                    + "ON CONFLICT DO NOTHING");
            statement.execute("INSERT INTO agent_events (event_id, agent_id, session_id, event_type, payload) "
                    + "SELECT 'slot-e' || i, 'slot-a', 'slot-s', 'tool_called', jsonb_build_object('token_count', i % 7) "
                    + "FROM generate_series(" + from + ", " + (from + count - 1) + ") i");
        }
    }

    static void awaitEventsOnTheReadSide(BridgeDatabases databases, long events, BridgeProcess bridge) {
        await("bridge applying the first events").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> eventsOnTheReadSide(databases) >= events || !bridge.isAlive());
        assertThat(bridge.isAlive()).as("bridge running; see %s", bridge.log()).isTrue();
    }

    private static long eventsOnTheReadSide(BridgeDatabases databases) {
        return eventsOn(databases.target());
    }

    static long eventsOn(DatabaseUrl target) {
        try (Connection connection = DriverManager.getConnection(target.jdbcUrl()); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM agent_events")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0; // the read-side schema appears when the bridge starts
        }
    }

    /**
     * PostgreSQL drops only an inactive slot: end the bridge's replication connection, then drop
     * the slot before the connector reconnects (it waits seconds before it does).
     */
    static void dropSlotUnderTheBridge(BridgeDatabases databases) throws SQLException {
        String slot = databases.name();
        try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
            await("slot dropped").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                statement.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                        + "WHERE slot_name = '" + slot + "' AND active_pid IS NOT NULL");
                try {
                    statement.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                    return true;
                } catch (SQLException e) {
                    if ("55006".equals(e.getSQLState())) {
                        return false; // still active: the walsender has not exited yet
                    }
                    throw e;
                }
            });
        }
    }

    static boolean slotExists(BridgeDatabases databases) throws SQLException {
        return databases.count(databases.source(),
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + databases.name() + "'") > 0;
    }
}
