package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeStats;
import io.agentstatebridge.projections.apply.Lsn;
import io.agentstatebridge.projections.change.SourcePosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Logs what the bridge applied every half minute: enough to see it work, never per event. */
final class ProgressLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.agentstatebridge.progress");
    private static final int INTERVAL_SECONDS = 30;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "progress-log");
        thread.setDaemon(true);
        return thread;
    });
    private long lastChanges;

    ProgressLog(Bridge bridge) {
        timer.scheduleAtFixedRate(() -> report(bridge.stats()), INTERVAL_SECONDS, INTERVAL_SECONDS, TimeUnit.SECONDS);
    }

    private void report(BridgeStats stats) {
        long changes = stats.changesApplied();
        SourcePosition position = stats.lastPosition();
        LOG.info("applied {} changes in the last {} s ({}/s), {} in all; source position {}", changes - lastChanges,
                INTERVAL_SECONDS, (changes - lastChanges) / INTERVAL_SECONDS, changes,
                position == null || position.lsn() == 0 ? "none yet" : Lsn.format(position.lsn()));
        lastChanges = changes;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
