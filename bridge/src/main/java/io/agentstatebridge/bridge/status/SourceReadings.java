package io.agentstatebridge.bridge.status;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.lifecycle.BridgeStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Map;

/**
 * What the status shows from the source: the replication slot's health and, for snapshot
 * progress, the tables' row estimates. Reading them costs a query on the write side, so the status
 * reporter asks every few seconds, or at once when the stream goes quiet. A slot found missing or
 * lost is passed on to whoever owns the stream. Used on the status reporter's thread only.
 */
final class SourceReadings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceReadings.class);

    private final BridgeSettings settings;
    private final BridgeStats stats;
    private final SlotMonitor slots;
    private volatile Runnable slotLooksLost = () -> { };
    private SlotHealth slot = SlotHealth.UNKNOWN;
    private Map<String, Long> estimates = Map.of();
    private boolean slotSeen;

    SourceReadings(BridgeSettings settings, BridgeStats stats) {
        this.settings = settings;
        this.stats = stats;
        this.slots = new SlotMonitor(settings.source(), settings.slot());
    }

    void onSlotLooksLost(Runnable listener) {
        this.slotLooksLost = listener;
    }

    /** Reads the slot, and the estimates while a snapshot may need them. */
    void read(boolean snapshotting) {
        try {
            slot = slots.read();
            if (slot.lost()) {
                slotLooksLost.run();
            }
            if (snapshotting || estimates.isEmpty()) {
                estimates = slots.estimatedRows();
            }
        } catch (SQLException e) {
            // Unknown, not the last figures read: while the source is unreachable nobody knows.
            slot = SlotHealth.UNKNOWN;
            stats.lastError("source: cannot reach " + settings.source().describe() + ": " + e.getMessage());
            LOG.debug("slot health unavailable: {}", e.getMessage());
        }
        slotSeen |= slot.exists() && slot != SlotHealth.UNKNOWN;
    }

    /** The slot as last read; {@link SlotHealth#UNKNOWN} while the source cannot be reached. */
    SlotHealth slot() {
        return slot;
    }

    /** Whether the slot has ever been read and found; until then it is read every tick. */
    boolean slotSeen() {
        return slotSeen;
    }

    /** The planner's row estimate of {@code table}, 0 when unknown. */
    long estimatedRows(String table) {
        return estimates.getOrDefault(table, 0L);
    }

    @Override
    public void close() {
        slots.close();
    }
}
