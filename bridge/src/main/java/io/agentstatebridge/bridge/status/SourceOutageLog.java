package io.agentstatebridge.bridge.status;

import io.agentstatebridge.bridge.engine.BridgeStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * Logs, once each, when the bridge starts and stops RECONNECTING to the source, with why and for
 * how long. The connector's own messages about the lost connection are many and low-level; these
 * two lines are the ones an operator needs. Called on the status reporter's thread only.
 */
final class SourceOutageLog {
    private static final Logger LOG = LoggerFactory.getLogger(SourceOutageLog.class);
    private static final String RECONNECTING = "RECONNECTING";

    private boolean reconnecting;
    private Instant since;

    void observe(BridgeStatus status) {
        boolean now = RECONNECTING.equals(status.state());
        if (now && !reconnecting) {
            since = status.at();
            LOG.warn("nothing has come from the source for {} s, not even a heartbeat: it is unreachable or restarting "
                            + "(last error: {}). The connector reconnects by itself with bounded backoff; changes committed "
                            + "meanwhile wait in replication slot {}.",
                    BridgeStats.SILENCE_LIMIT.toSeconds(), status.lastError(),
                    status.slotName());
        } else if (!now && reconnecting) {
            LOG.info("the source stream is back after {} s ({}); catching up",
                    Duration.between(since, status.at()).toSeconds(), status.state());
        }
        reconnecting = now;
    }
}
