package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.SlotGuard;
import io.agentstatebridge.bridge.source.SlotLostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A streaming bridge's view of its replication slot: whether the slot can still serve the
 * position stored on the read side, asked before streaming, after a snapshot, by the status
 * thread and when the connector fails. The first verdict that the slot is lost is kept; the
 * bridge's move to FAILED logs it, as the single line an operator needs.
 */
final class SlotLossWatch {
    private static final Logger LOG = LoggerFactory.getLogger(SlotLossWatch.class);

    private final BridgeSettings settings;
    private final SlotGuard guard;
    private final SlotGuard.StoredOffset storedOffset;
    private final AtomicReference<SlotLostException> lost = new AtomicReference<>();

    SlotLossWatch(BridgeSettings settings, SlotGuard.StoredOffset storedOffset) {
        this.settings = settings;
        this.guard = new SlotGuard(settings);
        this.storedOffset = storedOffset;
    }

    /** Before streaming: throws when the slot cannot serve the stored position. */
    void checkBeforeStreaming() {
        try {
            guard.check(storedOffset);
        } catch (SQLException e) {
            throw cannotCheck(e);
        }
    }

    /** For the batch handler: throws when the slot cannot serve the changes after {@code lsn}. */
    void checkAfter(long lsn) {
        try {
            guard.checkFrom(lsn);
        } catch (SQLException e) {
            throw cannotCheck(e);
        }
    }

    /** The slot's verdict on the stored position; null when fine, or when it cannot be asked. */
    SlotLostException diagnose() {
        try {
            guard.check(storedOffset);
            return null;
        } catch (SlotLostException e) {
            return e;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not check the replication slot: {}", e.getMessage());
            return null;
        }
    }

    /** Keeps {@code verdict} unless one was kept already. */
    void report(SlotLostException verdict) {
        lost.compareAndSet(null, verdict);
    }

    /** The verdict kept, or null while the slot is not known to be lost. */
    SlotLostException lost() {
        return lost.get();
    }

    private SetupException cannotCheck(SQLException e) {
        return new SetupException("cannot check replication slot '" + settings.slot() + "' against the read side's "
                + "position: " + e.getMessage(), e);
    }
}
