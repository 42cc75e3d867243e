package io.agentstatebridge.bridge.snapshot;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.source.DatabaseConnections;
import io.agentstatebridge.bridge.source.ExportedSnapshot;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.SlotGuard;
import io.agentstatebridge.bridge.source.SlotLostException;
import io.agentstatebridge.bridge.source.TransientFailures;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.apply.ReadSideLoad;
import io.agentstatebridge.projections.change.SourcePosition;
import io.agentstatebridge.projections.change.SourceTable;
import io.agentstatebridge.projections.schema.ReadSideRebuild;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

/**
 * Fills the read side from a snapshot of the source, as a bulk load rather than row by row: a new
 * replication slot exports its snapshot, both tables are copied from it with binary COPY straight
 * into the read side, the projections are computed once from their definitions, and the slot's
 * consistent point is stored as the position, so streaming then starts exactly after the copy.
 *
 * <p>Where the target role may (it can create schemas and owns the read side), the copy goes into
 * shadow tables built beside the live ones, indexed once filled, and swapped in by one short
 * transaction; readers keep the live tables, untouched, until then. Otherwise it replaces the live
 * rows in one transaction. Either way an interruption leaves the read side as it was, and the
 * snapshot is simply taken again, on a new slot: nothing of a half-done one survives, so no row a
 * later snapshot no longer has can stay behind.
 *
 * <p>Runs on the caller's thread; {@link #cancel} from another thread ends it.
 */
public final class SourceSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(SourceSnapshot.class);
    private static final Duration SWAP_LOCK_TIMEOUT = Duration.ofMillis(500);
    private static final Duration SWAP_GIVE_UP = Duration.ofMinutes(30);
    private static final Duration RETRY_INITIAL = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(10);
    /** The order tables are copied in; sessions first only so that progress reads naturally. */
    private static final List<SourceTable> TABLES =
            List.of(SourceTable.AGENT_SESSIONS, SourceTable.AGENT_EVENTS, SourceTable.HEARTBEAT);

    /** Where a running snapshot reports how far it got. */
    public interface Progress {
        /** {@code table} (schema.table) has been copied: {@code rows} rows. */
        void tableCopied(String table, long rows);

        /** A failed attempt that will be made again; {@code reason} for operators. */
        void retrying(String reason);
    }

    private final BridgeSettings settings;
    private final DataSource target;
    private final ProjectionApplier live;
    private final LongFunction<SourcePosition> positionAt;
    private final Progress progress;
    private volatile boolean cancelled;

    /**
     * @param live       the applier of the instance that took over the live read side; the load and
     *                   the swap are fenced with its lease
     * @param positionAt the position to store for a consistent point (the connector's offset form)
     */
    public SourceSnapshot(BridgeSettings settings, DataSource target, ProjectionApplier live,
                          LongFunction<SourcePosition> positionAt, Progress progress) {
        this.settings = settings;
        this.target = target;
        this.live = live;
        this.positionAt = positionAt;
        this.progress = progress;
    }

    /**
     * Takes the snapshot, trying again while the source or the read side is out of reach.
     * {@code shadowOnly}: refuse rather than load in place (resnapshot, which must not block on a
     * long transaction over the live tables). Returns the position the read side now holds.
     */
    public SourcePosition run(boolean shadowOnly) throws InterruptedException {
        Duration backoff = RETRY_INITIAL;
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(shadowOnly);
            } catch (SQLException | RuntimeException e) {
                if (cancelled) {
                    throw new SetupException("the snapshot of the source was stopped", e);
                }
                if (!TransientFailures.isTransient(e) && !(e instanceof SlotLostMeanwhile)) {
                    throw e instanceof RuntimeException runtime ? runtime
                            : new SetupException("the snapshot of the source failed: " + e.getMessage(), e);
                }
                String reason = "snapshot attempt " + attempt + " failed (" + e.getMessage() + "); taking it again on a new slot";
                LOG.warn("{} in {} ms", reason, backoff.toMillis());
                progress.retrying(reason);
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : backoff.multipliedBy(2);
            }
        }
    }

    /** Ends a running snapshot from another thread; what it loaded is rolled back. */
    public void cancel() {
        cancelled = true;
        Thread current = runner;
        if (current != null) {
            current.interrupt();
        }
    }

    private volatile Thread runner;

    private SourcePosition attempt(boolean shadowOnly) throws SQLException, InterruptedException {
        runner = Thread.currentThread();
        long started = System.nanoTime();
        ReadSideRebuild rebuild = new ReadSideRebuild(target);
        String cannotShadow = cannotShadow(rebuild);
        if (cannotShadow != null && shadowOnly) {
            throw new SetupException(cannotShadow);
        }
        dropSlot();
        List<String> indexes = cannotShadow == null ? rebuild.prepare() : List.of();
        ProjectionApplier loader = cannotShadow == null
                ? ProjectionApplier.takeOver(target, settings.name(), rebuild.schema()) : live;
        LOG.info("snapshot of the source started: copying it {} on a new slot '{}'", cannotShadow == null
                ? "into shadow tables beside the live read side (readers keep the live tables until the swap)"
                : "over the live read side in one transaction (" + cannotShadow + ")", settings.slot());
        SourcePosition reached;
        long rows = 0;
        try (ExportedSnapshot source = ExportedSnapshot.create(settings); ReadSideLoad load = loader.beginLoad(indexes)) {
            reached = positionAt.apply(source.consistentPoint());
            for (SourceTable table : TABLES) {
                long copied;
                try (InputStream data = source.copy(table)) {
                    copied = load.copy(table, data);
                } catch (java.io.IOException e) {
                    throw new SQLException("reading " + table.qualifiedName() + " from the source failed: " + e.getMessage(), "08006", e);
                }
                rows += copied;
                progress.tableCopied(table.qualifiedName(), copied);
                if (cancelled) {
                    throw new InterruptedException("the snapshot was stopped");
                }
            }
            // Dropped or invalidated while the copy ran (nothing of it is published yet): the
            // slot could not carry on from the copy, so it is taken again, on a new slot.
            try {
                new SlotGuard(settings).checkFrom(source.consistentPoint());
            } catch (SlotLostException e) {
                throw new SlotLostMeanwhile(e.whatHappened());
            }
            load.complete(reached, rows);
        }
        if (cannotShadow == null) {
            rebuild.analyze();
            swap(rebuild);
            rebuild.dropLeftovers();
        }
        LOG.info("snapshot of the source complete: {} rows in {} ms; streaming changes from source position {}",
                rows, (System.nanoTime() - started) / 1_000_000, reached.lsn());
        return reached;
    }

    /** The slot went while the copy ran; worth taking the snapshot again. */
    private static final class SlotLostMeanwhile extends RuntimeException {
        SlotLostMeanwhile(String whatHappened) {
            super("the replication slot was lost while the snapshot was copied (" + whatHappened + ")");
        }
    }

    /** Why the copy cannot go through shadow tables, or null when it can. */
    private String cannotShadow(ReadSideRebuild rebuild) throws SQLException {
        String missing = rebuild.missingPrivileges();
        if (missing != null) {
            return "the target role '" + settings.target().user() + "' lacks " + missing
                    + " to build shadow tables; run resnapshot with a --target-url of the role that owns the read side";
        }
        List<String> dependents = rebuild.dependents();
        if (!dependents.isEmpty()) {
            return "the read-side tables are referred to by " + String.join(", ", dependents)
                    + ", which a swap would leave on the old tables; drop them first";
        }
        return null;
    }

    /**
     * The snapshot needs a slot created with it. A slot of this name without a position stored on
     * the read side comes from a snapshot that did not finish (or from nothing the bridge relies
     * on): it is dropped, unless a process is streaming from it.
     */
    private void dropSlot() throws SQLException {
        try (Connection source = DatabaseConnections.open(settings.source(), "source");
             PreparedStatement drop = source.prepareStatement(
                     "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            drop.setString(1, settings.slot());
            try (ResultSet rs = drop.executeQuery()) {
                if (rs.next()) {
                    LOG.info("dropped replication slot '{}', left by a snapshot that did not finish", settings.slot());
                }
            }
        } catch (SQLException e) {
            if ("55006".equals(e.getSQLState())) { // object_in_use
                throw new SetupException("replication slot '" + settings.slot() + "' is in use by another process on the "
                        + "source: stop whatever streams from it (or give this bridge its own --slot), then start again.", e);
            }
            throw e;
        }
    }

    /**
     * Retries while readers hold the live tables. Each attempt waits at most a moment for them, so
     * readers queued behind it wait no longer; and less than PostgreSQL's default deadlock_timeout
     * (1 s), so that when a reader and the swap lock the tables in opposite orders, the swap is the
     * one that gives way.
     */
    private void swap(ReadSideRebuild rebuild) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + SWAP_GIVE_UP.toNanos();
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            if (rebuild.swap(settings.name(), live.leaderEpoch(), SWAP_LOCK_TIMEOUT)) {
                LOG.info("snapshot swapped in by one read-side transaction of {} ms", (System.nanoTime() - started) / 1_000_000);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new SetupException("readers held the read-side tables for " + SWAP_GIVE_UP.toMinutes() + " minutes "
                        + "without a pause of " + SWAP_LOCK_TIMEOUT.toMillis() + " ms, so the snapshot could not be swapped in. "
                        + "The live tables are unchanged; start again when long-running reads are done.");
            }
            if (attempt == 1 || attempt % 20 == 0) {
                LOG.info("readers are holding the read-side tables; trying the swap again (attempt {})", attempt);
            }
            Thread.sleep(ThreadLocalRandom.current().nextLong(100, 500));
        }
    }
}
