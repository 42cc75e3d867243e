package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.projections.testing.RandomChanges;
import io.agentstatebridge.projections.testing.RecordingSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

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
                assertThat(bridge.state()).isEqualTo(Bridge.State.RUNNING);
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("end-to-end test failed; replay with -Dbridge.seed=" + seed, e);
        }
    }
}
