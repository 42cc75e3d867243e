package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.BridgeProcess;
import io.agentstatebridge.bridge.testing.SourceChurn;
import io.agentstatebridge.bridge.testing.TcpProxy;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two bridges with the same name, one active, one standing by; only the active one reaches the
 * read side through a proxy. The proxy cuts it off: its leader-lock session dies and the standby
 * takes the lock, but cannot stream while the active one still holds the replication slot. When
 * the active one reaches the read side again and finds the lock taken, it steps down (exits
 * non-zero, for its supervisor to restart it as a standby), the other streams, and the read side
 * converges exactly. Replay with -Dbridge.seed=SEED.
 */
class LeaderLockLossIT {

    @Test
    void activeBridgeThatLostItsLockToTheStandbyStepsDownAndTheStandbyTakesOver() throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        BridgeDatabases databases = new BridgeDatabases("lock_loss");
        try (TcpProxy proxy = TcpProxy.forwardingTo(databases.target().host(), databases.target().port());
             SourceChurn writer = new SourceChurn(databases, seed, 2, 10).pausing(Duration.ofMillis(20));
             BridgeProcess active = BridgeProcess.start("lock-loss-active", arguments(databases,
                     proxy.route(databases.target()).jdbcUrl()))) {
            await("active bridge streaming").atMost(Duration.ofSeconds(120))
                    .until(() -> active.output().contains("streaming from") || !active.isAlive());
            try (BridgeProcess standby = BridgeProcess.start("lock-loss-standby", arguments(databases,
                    databases.target().jdbcUrl()))) {
                await("standby standing by").atMost(Duration.ofSeconds(120))
                        .until(() -> standby.output().contains("standing by") || !standby.isAlive());
                long appliedBefore = appliedBatches(databases);
                writer.start();
                await("changes applied by the active bridge").atMost(Duration.ofSeconds(60))
                        .until(() -> appliedBatches(databases) > appliedBefore + 10);

                proxy.cut();
                await("standby taking the lock the active bridge lost").atMost(Duration.ofSeconds(30))
                        .until(() -> standby.output().contains("bridge '" + databases.name() + "' taking over")
                                || !standby.isAlive());
                assertThat(standby.isAlive()).as("standby running; see %s", standby.log()).isTrue();
                assertThat(active.isAlive()).as("active bridge paused, not gone; see %s", active.log()).isTrue();
                proxy.restore();

                assertThat(active.waitFor(Duration.ofSeconds(60))).as("exit status of the bridge stepping down; see %s",
                        active.log()).isEqualTo(1);
                assertThat(active.output()).contains("stepping down").contains("took the leader lock");
                await("standby streaming").atMost(Duration.ofSeconds(60))
                        .until(() -> standby.output().contains("streaming from") || !standby.isAlive());
                assertThat(standby.isAlive()).as("the new active bridge runs; see %s", standby.log()).isTrue();

                writer.stop();
                assertThat(databases.verifyDifferences(Duration.ofSeconds(120)))
                        .as("read side vs definitions after the handover (seed %d)", seed).isNull();
                assertThat(standby.terminate()).isZero();
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("lock loss test failed; replay with -Dbridge.seed=" + seed, e);
        }
    }

    private static long appliedBatches(BridgeDatabases databases) throws Exception {
        return databases.count(databases.target(),
                "SELECT COALESCE(sum(batches_applied), 0) FROM agent_state_bridge.source_position");
    }

    private static String[] arguments(BridgeDatabases databases, String targetUrl) {
        return new String[] {"run", "--source-url", databases.source().jdbcUrl(), "--target-url", targetUrl,
                "--name", databases.name(), "--slot", databases.name(), "--publication", databases.name(),
                "--max-batch-size", "128", "--http-port", "0"};
    }
}
