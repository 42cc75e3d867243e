package io.agentstatebridge.tools.cli;

import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.BridgeProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator does to trust a deployment, with the built jars: `run` the bridge, drive it
 * with the tools' `loadgen`, then `verify` must exit 0. Prints the rate the bridge applied events at.
 */
class LoadgenThenVerifyIT {

    @Test
    void verifyExitsZeroAfterALoadgenRun() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("loadgen_verify");
        String source = databases.source().jdbcUrl();
        String target = databases.target().jdbcUrl();
        try (BridgeProcess bridge = BridgeProcess.start("loadgen-verify-bridge", "run", "--source-url", source,
                "--target-url", target, "--name", databases.name(), "--slot", databases.name(),
                "--publication", databases.name())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> batchesApplied(databases) > 0);
            long loadStarted = System.nanoTime();
            try (BridgeProcess loadgen = BridgeProcess.start(ToolsJar.path(), "loadgen-verify-loadgen", "loadgen", "--source-url", source,
                    "--agents", "200", "--rate", "2000", "--duration", "20")) {
                assertThat(loadgen.waitFor(Duration.ofSeconds(90))).as("loadgen exit status; see %s", loadgen.log()).isZero();
            }
            long loadEnded = System.nanoTime();
            long events = databases.count(databases.source(), "SELECT count(*) FROM agent_events");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> databases.count(databases.target(), "SELECT count(*) FROM agent_events") == events);
            long caughtUp = System.nanoTime();
            System.out.printf("loadgen-then-verify: %d events written in %.1f s; the read side had all of them %d ms after "
                            + "the last write: %.0f events/s applied end to end%n", events, (loadEnded - loadStarted) / 1e9,
                    (caughtUp - loadEnded) / 1_000_000, events / ((caughtUp - loadStarted) / 1e9));
            try (BridgeProcess verify = BridgeProcess.start("loadgen-verify-verify", "verify", "--source-url", source,
                    "--target-url", target, "--name", databases.name())) {
                assertThat(verify.waitFor(Duration.ofSeconds(180))).as("verify exit status; see %s", verify.log()).isZero();
                assertThat(verify.output()).contains("every projection and replica equals its definition");
            }
            assertThat(bridge.terminate()).isZero();
        }
    }

    private static long batchesApplied(BridgeDatabases databases) {
        try {
            return databases.count(databases.target(), "SELECT COALESCE(sum(batches_applied), 0) FROM agent_state_bridge.source_position");
        } catch (Exception e) {
            return 0; // the read-side schema appears when the bridge starts
        }
    }
}
