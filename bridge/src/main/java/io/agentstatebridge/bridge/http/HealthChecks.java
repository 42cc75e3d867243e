package io.agentstatebridge.bridge.http;

import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.status.BridgeStatus;

/**
 * What /health/live and /health/ready answer, from the status alone. Liveness asks whether a
 * supervisor should restart the process: only FAILED says so, every other state recovers by
 * itself or is on its way. Readiness asks whether readers get fresh data: streaming, with lag known
 * and within the threshold.
 */
final class HealthChecks {
    private HealthChecks() {
    }

    static boolean live(BridgeStatus s) {
        return s.state() != BridgeState.FAILED;
    }

    static boolean ready(BridgeStatus s, double maxLagSeconds) {
        return s.state() == BridgeState.STREAMING && s.lagSeconds() != null && s.lagSeconds() <= maxLagSeconds;
    }
}
