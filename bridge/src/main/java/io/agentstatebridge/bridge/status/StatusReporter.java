package io.agentstatebridge.bridge.status;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.lifecycle.BridgeStats;
import io.agentstatebridge.bridge.lifecycle.Lifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Once a second, on its own daemon thread, gathers the bridge's figures into a {@link BridgeStatus}:
 * the lifecycle state, lag from the read side, slot health from the source (every few seconds),
 * throughput from the running totals. Writes this instance's row of the instances table (active or
 * standby alike) and, while this instance is the active one, the status table; reads back the other
 * instances, and the replay lag of the read database's physical standbys; keeps the last minutes for
 * the status page. Everything that shows status reads {@link #current()}. It observes the bridge and
 * changes nothing about it, but for one thing: its tick is the clock that notices a source gone quiet
 * ({@link BridgeStats#checkSilence()}).
 */
public final class StatusReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    private static final int HISTORY_POINTS = 900;
    private static final int SLOT_EVERY_TICKS = 5;
    /** Removing rows of long-gone instances is housekeeping: once a minute is plenty. */
    private static final int PRUNE_EVERY_TICKS = 60;

    private final BridgeSettings settings;
    private final BridgeInstance instance;
    private final Lifecycle lifecycle;
    private final Supplier<InstanceRole> role;
    private final BridgeStats stats;
    private final DataSource target;
    private final SourceReadings source;
    private final ReadSideLag lag;
    private final ThresholdWarnings warnings;
    private final Instant startedAt = Instant.now();
    private final Deque<BridgeStatus> history = new ArrayDeque<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "status-reporter");
        thread.setDaemon(true);
        return thread;
    });
    private final Object reporting = new Object();
    private volatile BridgeStatus current;
    private long ticks;
    private long lastChanges;
    private long lastTickNanos = System.nanoTime();

    /** @param role whether this instance holds the leader lock right now */
    public StatusReporter(BridgeSettings settings, BridgeInstance instance, Lifecycle lifecycle, Supplier<InstanceRole> role,
                          BridgeStats stats, DataSource target) {
        this.settings = settings;
        this.instance = instance;
        this.lifecycle = lifecycle;
        this.role = role;
        this.stats = stats;
        this.target = target;
        this.source = new SourceReadings(settings, stats);
        this.lag = new ReadSideLag(target, settings.name());
        this.warnings = new ThresholdWarnings(settings.observability());
        this.current = new BridgeStatus(settings.name(), lifecycle.current(), null, 0, 0, 0, 0, settings.slot(),
                SlotHealth.UNKNOWN, Map.of(), null, startedAt, startedAt, instance, role.get(), List.of(), List.of());
    }

    /**
     * Called on the status thread after each reading of the slot that finds it missing or lost;
     * whoever owns the stream decides whether that loses anything (a slot not created yet does not).
     */
    public void onSlotLooksLost(Runnable listener) {
        source.onSlotLooksLost(listener);
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::reportSafely, 0, 1, TimeUnit.SECONDS);
    }

    /** The latest figures. */
    public BridgeStatus current() {
        return current;
    }

    /** The figures of the last minutes, oldest first, one per second. */
    public synchronized List<BridgeStatus> history() {
        return new ArrayList<>(history);
    }

    /** Gathers and publishes the figures now (also what the timer does every second). */
    public void report() {
        // The timer and the final report on stop may overlap; one at a time, so the last state
        // reported is the last one written (and the running totals stay consistent).
        synchronized (reporting) {
            gatherAndPublish();
        }
    }

    private void gatherAndPublish() {
        long now = System.nanoTime();
        long changes = stats.changesApplied();
        double seconds = Math.max(1e-3, (now - lastTickNanos) / 1e9);
        double perSecond = (changes - lastChanges) / seconds;
        lastChanges = changes;
        lastTickNanos = now;
        // When the stream has just gone quiet, read the source first: its error is what the
        // move to RECONNECTING reports.
        BridgeState before = lifecycle.current();
        boolean reconnectingNow = stats.silentTooLong()
                || (before == BridgeState.RECONNECTING && current.state() != BridgeState.RECONNECTING);
        if (ticks++ % SLOT_EVERY_TICKS == 0 || !source.slotSeen() || reconnectingNow) {
            source.read(before == BridgeState.SNAPSHOTTING);
        }
        stats.checkSilence();
        BridgeState state = lifecycle.current();
        BridgeStatus gathered = new BridgeStatus(settings.name(), state, lag.read(current.lagSeconds()), changes, perSecond,
                stats.batchesApplied(), stats.rejectedRows(), settings.slot(), source.slot(), snapshotProgress(state),
                stats.lastError(), startedAt, Instant.now(), instance, role.get(), List.of(), List.of());
        // While the read side is unreachable there is nothing to write to, and the last list of
        // instances is the best one known; its standbys, though, are unknown.
        BridgeStatus status = lag.reachable()
                ? gathered.withInstances(publish(gathered)).withReadReplicas(readReplicas())
                : gathered.withInstances(current.instances());
        current = status;
        synchronized (this) {
            history.addLast(status);
            while (history.size() > HISTORY_POINTS) {
                history.removeFirst();
            }
        }
        warnings.check(status);
    }

    private void reportSafely() {
        try {
            report();
        } catch (RuntimeException e) {
            LOG.warn("could not gather the bridge's status: {}", e.getMessage());
        }
    }

    private Map<String, BridgeStatus.SnapshotProgress> snapshotProgress(BridgeState state) {
        if (state != BridgeState.SNAPSHOTTING) {
            return Map.of();
        }
        Map<String, BridgeStatus.SnapshotProgress> progress = new LinkedHashMap<>();
        stats.snapshotRows().forEach((table, rows) -> progress.put(table,
                new BridgeStatus.SnapshotProgress(rows, Math.max(rows, source.estimatedRows(table)))));
        return progress;
    }

    /**
     * Writes the status row while active, and this instance's row; returns every instance the read
     * side knows, or the last list known when that cannot be read. The two tables fail apart: a
     * role that may write the status but not the instances still reports the bridge's status.
     */
    private List<InstanceRow> publish(BridgeStatus s) {
        try (Connection connection = target.getConnection()) {
            // The status row describes the bridge, so only the instance holding the lock writes it; one
            // that has just won the lock writes it once it has left STANDBY.
            if (s.role() == InstanceRole.ACTIVE && s.state() != BridgeState.STANDBY) {
                try {
                    StatusTable.write(connection, s);
                } catch (SQLException e) {
                    LOG.debug("status table not updated: {}", e.getMessage());
                }
            }
            InstanceTable.write(connection, s);
            if (ticks % PRUNE_EVERY_TICKS == 1) {
                InstanceTable.prune(connection, s.bridgeName());
            }
            return InstanceTable.list(connection, s.bridgeName());
        } catch (SQLException e) {
            LOG.debug("instances table not updated: {}", e.getMessage());
            return current.instances();
        }
    }

    /**
     * The standbys of the read database. They are the operator's servers, not the bridge's: when they
     * cannot be read the list is empty and nothing else changes.
     */
    private List<ReadReplica> readReplicas() {
        try (Connection connection = target.getConnection()) {
            return ReadReplicas.read(connection);
        } catch (SQLException e) {
            LOG.debug("read replicas unavailable: {}", e.getMessage());
            return List.of();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
