package io.agentstatebridge.bridge.lifecycle;

import io.agentstatebridge.projections.apply.ApplyResult;
import io.agentstatebridge.projections.change.SourcePosition;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the stream reports moves the lifecycle between STREAMING, PAUSED and RECONNECTING, and only there. */
class BridgeStatsTest {
    private static final Duration SILENCE = Duration.ofMillis(200);

    private final Lifecycle lifecycle = new Lifecycle("stats");
    private final BridgeStats stats = new BridgeStats(lifecycle, "slot", SILENCE);

    @Test
    void aQuietSourceMovesStreamingToReconnectingAndTheNextDeliveryMovesItBack() {
        streaming();
        stats.checkSilence();
        assertThat(lifecycle.current()).as("heard from just now").isEqualTo(BridgeState.STREAMING);

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            stats.checkSilence();
            return lifecycle.current() == BridgeState.RECONNECTING;
        });
        stats.handlingStarted();
        assertThat(lifecycle.current()).isEqualTo(BridgeState.STREAMING);
        stats.handlingFinished();
    }

    @Test
    void aBatchHeldUpOnTheReadSideIsNoSilenceOfTheSource() throws InterruptedException {
        streaming();
        stats.handlingStarted();
        stats.lastError("read side: connection refused");
        stats.activity(BridgeState.PAUSED);
        Thread.sleep(2 * SILENCE.toMillis());
        stats.checkSilence();
        assertThat(lifecycle.current()).isEqualTo(BridgeState.PAUSED);
        stats.recordBatch(new ApplyResult(3, 3, 0, 1_000), new SourcePosition("{}", 1, null));
        stats.activity(BridgeState.STREAMING);
        stats.handlingFinished();
        assertThat(lifecycle.current()).isEqualTo(BridgeState.STREAMING);
        assertThat(stats.changesApplied()).isEqualTo(3);
    }

    @Test
    void whatTheStreamReportsAfterAStopChangesNothing() {
        streaming();
        lifecycle.moveTo(BridgeState.STOPPING, "stopping");
        stats.activity(BridgeState.STREAMING);
        stats.activity(BridgeState.PAUSED);
        stats.handlingStarted();
        assertThat(lifecycle.current()).isEqualTo(BridgeState.STOPPING);
    }

    private void streaming() {
        lifecycle.moveTo(BridgeState.STARTING, null);
        stats.handlingStarted();
        stats.activity(BridgeState.STREAMING);
        stats.handlingFinished();
        assertThat(lifecycle.current()).isEqualTo(BridgeState.STREAMING);
    }
}
