package io.agentstatebridge.bridge.status;

import io.agentstatebridge.bridge.config.BridgeSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * Warns, at most once a minute each, while lag or the WAL the slot retains is over its threshold:
 * what an operator can act on. A lost slot is not warned about here: the bridge stops on it and
 * says what to do. Used on the status reporter's thread only.
 */
final class ThresholdWarnings {
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdWarnings.class);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private final BridgeSettings.Observability limits;
    private Instant lastLagWarning = Instant.EPOCH;
    private Instant lastWalWarning = Instant.EPOCH;

    ThresholdWarnings(BridgeSettings.Observability limits) {
        this.limits = limits;
    }

    void check(BridgeStatus s) {
        Instant now = s.at();
        if (s.lagSeconds() != null && s.lagSeconds() > limits.lagWarnSeconds()
                && now.isAfter(lastLagWarning.plus(WARN_EVERY))) {
            lastLagWarning = now;
            LOG.warn("the read side is {} s behind the source (threshold {} s); applying {} events/s",
                    Math.round(s.lagSeconds()), limits.lagWarnSeconds(), Math.round(s.eventsPerSecond()));
        }
        Long retained = s.slot().retainedWalBytes();
        if (retained != null && retained > limits.retainedWalWarnBytes() && now.isAfter(lastWalWarning.plus(WARN_EVERY))) {
            lastWalWarning = now;
            LOG.warn("replication slot {} retains {} MB of WAL on the source (threshold {} MB): the source keeps WAL until "
                    + "the bridge confirms it; check that the bridge is applying", s.slotName(), retained >> 20,
                    limits.retainedWalWarnBytes() >> 20);
        }
    }
}
