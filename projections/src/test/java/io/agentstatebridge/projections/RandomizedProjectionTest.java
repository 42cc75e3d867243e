package io.agentstatebridge.projections;

import io.agentstatebridge.projections.testing.ProjectionHarness;
import io.agentstatebridge.projections.testing.RandomChanges;
import org.junit.jupiter.api.Test;

import java.util.Random;

/**
 * A seeded random mix of every change kind, applied in random batch sizes without any connector;
 * after every batch the read side must equal the definitions evaluated on the write side.
 * Replay a failure with -Dprojections.seed=SEED (the seed is in the failure message).
 */
class RandomizedProjectionTest {

    @Test
    void projectionsEqualTheirDefinitionsAfterEveryBatchOfRandomChanges() throws Exception {
        long seed = Long.getLong("projections.seed", System.nanoTime());
        int operations = Integer.getInteger("projections.operations", 1500);
        try (ProjectionHarness harness = new ProjectionHarness("randomized")) {
            Random random = new Random(seed);
            RandomChanges changes = new RandomChanges(harness.source(), random, 10);
            int batchEnd = 1 + random.nextInt(40);
            for (int op = 1; op <= operations; op++) {
                changes.next();
                if (op == batchEnd || op == operations) {
                    // Half the batches take new keys to be new, as the bridge's first attempt does.
                    harness.applyRecorded(random.nextBoolean());
                    harness.assertReadSideMatchesDefinitions("after operation " + op);
                    batchEnd = op + 1 + random.nextInt(random.nextInt(10) == 0 ? 300 : 40);
                }
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("randomized projection test failed; replay with -Dprojections.seed=" + seed, e);
        }
    }
}
