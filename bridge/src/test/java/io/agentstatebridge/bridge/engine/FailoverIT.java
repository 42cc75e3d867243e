package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.BridgeProcess;
import io.agentstatebridge.bridge.testing.SourceChurn;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two bridges started with the same configuration: one streams, the other stands by. The active
 * one is killed hard mid-stream; the standby takes over within 10 s from the committed position
 * and the read side converges exactly.
 */
class FailoverIT {

    @Test
    void standbyTakesOverWithinTenSecondsWhenTheActiveBridgeIsKilled() throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        BridgeDatabases databases = new BridgeDatabases("failover");
        try (SourceChurn writer = new SourceChurn(databases, seed, 0, 10);
             BridgeProcess first = BridgeProcess.start("failover-first", arguments(databases))) {
            await("first bridge streaming").atMost(Duration.ofSeconds(90))
                    .until(() -> first.output().contains("streaming from") || !first.isAlive());
            try (BridgeProcess second = BridgeProcess.start("failover-second", arguments(databases))) {
                await("second bridge standing by").atMost(Duration.ofSeconds(90))
                        .until(() -> second.output().contains("standing by") || !second.isAlive());
                assertThat(second.output()).doesNotContain("streaming from");
                writer.start();
                Thread.sleep(3_000);

                long killedAt = System.nanoTime();
                first.kill();
                await("standby taking over").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> second.output().contains("streaming from") || !second.isAlive());
                double takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;
                System.out.printf("failover: standby streaming %.1f s after the active bridge was killed%n", takeoverSeconds);
                assertThat(second.isAlive()).as("standby alive; see %s", second.log()).isTrue();
                assertThat(takeoverSeconds).isLessThan(10.0);

                Thread.sleep(2_000);
                writer.stop();
                assertThat(databases.verifyDifferences(Duration.ofSeconds(120)))
                        .as("read side vs definitions after failover (seed %d)", seed).isNull();
                assertThat(second.terminate()).isZero();
            }
        }
    }

    private static String[] arguments(BridgeDatabases databases) {
        return new String[] {"run", "--source-url", databases.source().jdbcUrl(), "--target-url", databases.target().jdbcUrl(),
                "--name", databases.name(), "--slot", databases.name(), "--publication", databases.name(),
                "--max-batch-size", "128", "--http-port", "0"};
    }
}
