package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.projections.testing.RandomChanges;
import io.agentstatebridge.projections.testing.RecordingSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole pipe in one JVM: rows present before the bridge starts arrive by snapshot, then a
 * seeded random mix of every change kind, grouped into source transactions of random size, is
 * streamed; the read side must equal the definitions. Replay with -Dbridge.seed=SEED.
 */
class BridgeEndToEndTest {

    @Test
    void snapshotThenStreamedRandomChangesLeaveTheReadSideEqualToTheDefinitions() throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        BridgeDatabases databases = new BridgeDatabases("end_to_end");
        Random random = new Random(seed);
        try (Connection source = databases.openSource()) {
            RandomChanges changes = new RandomChanges(new RecordingSource(source), random, 4);
            for (int i = 0; i < 300; i++) {
                changes.next();
            }
            // Small batches make batch boundaries fall inside source transactions and key changes.
            try (Bridge bridge = new Bridge(databases.settings(7))) {
                bridge.start();
                for (int transaction = 0; transaction < 150; transaction++) {
                    source.setAutoCommit(false);
                    int size = 1 + random.nextInt(random.nextInt(8) == 0 ? 60 : 6);
                    for (int i = 0; i < size; i++) {
                        changes.next();
                    }
                    source.commit();
                }
                source.setAutoCommit(true);
                String differences = databases.verifyDifferences(Duration.ofSeconds(60));
                assertThat(differences).as("read side vs definitions, seed " + seed).isNull();
                assertThat(bridge.state()).matches(BridgeState::isRunning, "running");
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("end-to-end test failed; replay with -Dbridge.seed=" + seed, e);
        }
    }

    @Test
    void readersNeverSeePartOfASourceTransaction() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("whole_transactions");
        List<Long> partialSessionsSeen = new ArrayList<>();
        try (Bridge bridge = new Bridge(databases.settings(3)); Connection source = databases.openSource()) {
            bridge.start();
            source.setAutoCommit(false);
            try (Connection reader = DriverManager.getConnection(databases.target().jdbcUrl());
                 PreparedStatement insert = source.prepareStatement("INSERT INTO agent_events "
                         + "(event_id, agent_id, session_id, event_type, payload) VALUES (?, 'a1', ?, 'tool_called', NULL)")) {
                for (int transaction = 0; transaction < 40; transaction++) {
                    for (int i = 0; i < 10; i++) {
                        insert.setString(1, "e-" + transaction + "-" + i);
                        insert.setString(2, "s-" + transaction);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    source.commit();
                    partialSessionsSeen.add(partialSessions(reader));
                }
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> databases.count(databases.target(), "SELECT count(*) FROM agent_events") == 400);
                partialSessionsSeen.add(partialSessions(reader));
            }
        }
        assertThat(partialSessionsSeen).as("sessions showing fewer than the 10 events their transaction wrote").containsOnly(0L);
    }

    private static long partialSessions(Connection reader) throws Exception {
        try (Statement statement = reader.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM session_summary WHERE total_events <> 10")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
