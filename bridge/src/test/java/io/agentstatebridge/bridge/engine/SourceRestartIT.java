package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.OutageObservation;
import io.agentstatebridge.bridge.testing.RestartablePostgres;
import io.agentstatebridge.bridge.testing.SourceChurn;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source PostgreSQL is shut down (fast: every session and the replication connection are
 * terminated) while agents write to it, stays down for 30 s and starts again on the same data
 * and port. The bridge shows RECONNECTING, never stops, reconnects by itself to its replication
 * slot and converges exactly, whatever was committed just before the shutdown and right after
 * the restart. Replay with -Dbridge.seed=SEED.
 */
class SourceRestartIT {
    private static final Duration DOWNTIME = Duration.ofSeconds(30);

    @Test
    void sourceRestartedAfterThirtySecondsDownIsReconnectedToAndCaughtUpExactly() throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        try (RestartablePostgres sourceServer = RestartablePostgres.start()) {
            BridgeDatabases databases = new BridgeDatabases("source_restart", sourceServer.createDatabase("source_restart"));
            try (SourceChurn writer = new SourceChurn(databases, seed, 2, 10).pausing(Duration.ofMillis(20)).reconnecting();
                 Bridge bridge = new Bridge(databases.settings(128))) {
                bridge.start();
                writer.start();
                await("bridge streaming").atMost(Duration.ofSeconds(90))
                        .until(() -> bridge.state() == BridgeState.STREAMING && bridge.stats().batchesApplied() > 5);

                long stoppedAt = System.nanoTime();
                sourceServer.stop();
                Duration stopping = Duration.ofNanos(System.nanoTime() - stoppedAt);
                OutageObservation seen = OutageObservation.during(bridge, databases, DOWNTIME.minus(stopping));
                long commitsBeforeRestart = writer.commits();
                sourceServer.startAgain();
                long restartedAt = System.nanoTime();
                System.out.printf("source restart: stopping took %.1f s; while down: %s%n", stopping.toMillis() / 1e3, seen);

                assertThat(seen.keptRunning()).as("the bridge kept running: %s", seen).isTrue();
                assertThat(seen.states()).as("what operators saw: %s", seen).contains(BridgeState.RECONNECTING).doesNotContain(BridgeState.FAILED);
                assertThat(seen.tableStates()).as("the status table on the read side: %s", seen).contains(BridgeState.RECONNECTING);
                assertThat(seen.errors()).as("the reason shown: %s", seen).anyMatch(e -> e.startsWith("source: cannot reach"));

                await("caught up after the restart").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> bridge.state() == BridgeState.STREAMING && bridge.status().current().lagSeconds() != null
                                && bridge.status().current().lagSeconds() < 5);
                System.out.printf("source restart: caught up (lag under 5 s) %.1f s after the source was up again%n",
                        (System.nanoTime() - restartedAt) / 1e9);
                await("agents writing again").atMost(Duration.ofSeconds(30)).until(() -> writer.commits() > commitsBeforeRestart + 100);
                writer.stop();
                assertThat(writer.reconnects()).as("the writer lost the source too").isPositive();
                assertThat(databases.verifyDifferences(Duration.ofSeconds(120)))
                        .as("read side vs definitions after a source restart (seed %d)", seed).isNull();
                assertThat(bridge.state()).matches(BridgeState::isRunning, "running");
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("source restart test failed; replay with -Dbridge.seed=" + seed, e);
        }
    }
}
