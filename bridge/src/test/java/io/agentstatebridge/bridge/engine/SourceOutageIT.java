package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.OutageObservation;
import io.agentstatebridge.bridge.testing.SourceChurn;
import io.agentstatebridge.bridge.testing.TcpProxy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source becomes unreachable for 30 s while agents keep writing to it: every connection the
 * bridge has to it (replication stream, heartbeat writes, slot monitor) goes through a proxy that
 * breaks them and refuses new ones. The bridge shows RECONNECTING with the reason, retries with
 * bounded backoff, never stops, and once the source is back catches up to a read side equal to
 * the definitions. Replay with -Dbridge.seed=SEED.
 */
class SourceOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    /** The source's sessions end with the connections, as when the source's host or proxy restarts. */
    @Test
    void sourceConnectionsResetForThirtySecondsAreReportedRiddenOutAndCaughtUpExactly() throws Exception {
        rideOut(TcpProxy::cut, "source_reset");
    }

    /**
     * A network partition: the source is not told, so it keeps the old replication connection, and
     * with it the slot, until its wal_sender_timeout (60 s) ends it; the bridge keeps retrying.
     */
    @Test
    void sourcePartitionedForThirtySecondsIsReportedRiddenOutAndCaughtUpExactly() throws Exception {
        rideOut(TcpProxy::partition, "source_partition");
    }

    private void rideOut(Consumer<TcpProxy> fault, String purpose) throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        BridgeDatabases databases = new BridgeDatabases(purpose);
        try (TcpProxy proxy = TcpProxy.forwardingTo(databases.source().host(), databases.source().port());
             // The writer goes straight to the source: only the bridge loses it.
             SourceChurn writer = new SourceChurn(databases, seed, 2, 10).pausing(Duration.ofMillis(20));
             Bridge bridge = new Bridge(throughProxy(databases.settings(128), proxy))) {
            bridge.start();
            writer.start();
            await("bridge streaming").atMost(Duration.ofSeconds(90))
                    .until(() -> bridge.state() == BridgeState.STREAMING && bridge.stats().batchesApplied() > 5);

            long commitsBefore = writer.commits();
            fault.accept(proxy);
            OutageObservation seen = OutageObservation.during(bridge, databases, OUTAGE);
            int attempts = proxy.refusedConnections();
            proxy.restore();
            long restoredAt = System.nanoTime();
            System.out.printf("%s: %s; %d connection attempts refused in %d s; %d source transactions "
                    + "committed meanwhile%n", purpose, seen, attempts, OUTAGE.toSeconds(), writer.commits() - commitsBefore);

            assertThat(seen.keptRunning()).as("the bridge kept running: %s", seen).isTrue();
            assertThat(seen.states()).as("what operators saw: %s", seen).contains(BridgeState.RECONNECTING).doesNotContain(BridgeState.FAILED);
            assertThat(seen.tableStates()).as("the status table, readable all along: %s", seen).contains(BridgeState.RECONNECTING);
            assertThat(seen.errors()).as("the reason shown: %s", seen).anyMatch(e -> e.startsWith("source: cannot reach"));
            assertThat(seen.maxLagSeconds()).as("lag grew during the outage").isGreaterThan(20);
            assertThat(writer.commits()).as("agents kept writing").isGreaterThan(commitsBefore + 100);
            // Backoff, not a tight loop: the connector (300 ms doubling to 10 s) and the slot
            // monitor (every 5 s) together try a few times per ten seconds.
            assertThat(attempts).as("connection attempts during the outage").isBetween(3, 40);

            await("caught up after the outage").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> bridge.state() == BridgeState.STREAMING && bridge.status().current().lagSeconds() != null
                            && bridge.status().current().lagSeconds() < 5);
            System.out.printf("%s: caught up (lag under 5 s) %.1f s after the source was reachable again%n",
                    purpose, (System.nanoTime() - restoredAt) / 1e9);
            writer.stop();
            assertThat(databases.verifyDifferences(Duration.ofSeconds(120)))
                    .as("read side vs definitions after a %d s source outage (seed %d)", OUTAGE.toSeconds(), seed).isNull();
            assertThat(bridge.state()).matches(BridgeState::isRunning, "running");
        } catch (AssertionError | Exception e) {
            throw new AssertionError(purpose + " test failed; replay with -Dbridge.seed=" + seed, e);
        }
    }

    private static BridgeSettings throughProxy(BridgeSettings settings, TcpProxy proxy) {
        return new BridgeSettings(proxy.route(settings.source()), settings.target(), settings.name(), settings.slot(),
                settings.publication(), settings.maxBatchSize());
    }
}
