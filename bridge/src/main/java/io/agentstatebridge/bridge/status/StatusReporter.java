package io.agentstatebridge.bridge.status;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.engine.BridgeStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
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
 * Once a second, gathers the bridge's figures into a {@link BridgeStatus}: lag from the read side,
 * slot health from the source (every few seconds), throughput from the running totals. Writes this
 * instance's row of the instances table (active or standby alike) and, while this instance is the
 * active one, the status table; reads back the other instances; keeps the last minutes for the
 * status page, and warns when a threshold is passed. Everything that shows status reads
 * {@link #current()}.
 */
public final class StatusReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    private static final int HISTORY_POINTS = 900;
    private static final int SLOT_EVERY_TICKS = 5;
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    private static final String LAG_QUERY = "SELECT lag_seconds FROM agent_state_bridge.replication_lag WHERE bridge_name = ?";
    private static final String UPSERT = "INSERT INTO agent_state_bridge.status AS s (bridge_name, state, lag_seconds, "
            + "events_applied_total, events_per_second, batches_applied_total, rejected_rows_total, slot_name, slot_active, "
            + "slot_retained_wal_bytes, slot_wal_status, slot_safe_wal_size_bytes, snapshot_progress, last_error, started_at, "
            + "updated_at, instance_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?) ON CONFLICT (bridge_name) DO UPDATE SET "
            + "state = EXCLUDED.state, lag_seconds = EXCLUDED.lag_seconds, events_applied_total = EXCLUDED.events_applied_total, "
            + "events_per_second = EXCLUDED.events_per_second, batches_applied_total = EXCLUDED.batches_applied_total, "
            + "rejected_rows_total = EXCLUDED.rejected_rows_total, slot_name = EXCLUDED.slot_name, "
            + "slot_active = EXCLUDED.slot_active, slot_retained_wal_bytes = EXCLUDED.slot_retained_wal_bytes, "
            + "slot_wal_status = EXCLUDED.slot_wal_status, slot_safe_wal_size_bytes = EXCLUDED.slot_safe_wal_size_bytes, "
            + "snapshot_progress = EXCLUDED.snapshot_progress, last_error = EXCLUDED.last_error, "
            + "started_at = EXCLUDED.started_at, updated_at = EXCLUDED.updated_at, instance_id = EXCLUDED.instance_id";
    /** Removing rows of long-gone instances is housekeeping: once a minute is plenty. */
    private static final int PRUNE_EVERY_TICKS = 60;

    private final BridgeSettings settings;
    private final BridgeInstance instance;
    private final Supplier<String> state;
    private final Supplier<Role> role;
    private final BridgeStats stats;
    private final DataSource target;
    private final SlotMonitor slots;
    private final Instant startedAt = Instant.now();
    private final Deque<BridgeStatus> history = new ArrayDeque<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "status-reporter");
        thread.setDaemon(true);
        return thread;
    });
    private final Object reporting = new Object();
    private volatile BridgeStatus current;
    private volatile Runnable slotLooksLost = () -> { };
    private SlotHealth slot = SlotHealth.UNKNOWN;
    private Map<String, Long> snapshotEstimates = Map.of();
    private long ticks;
    private long lastChanges;
    private long lastTickNanos = System.nanoTime();
    private Instant lastLagWarning = Instant.EPOCH;
    private Instant lastWalWarning = Instant.EPOCH;
    private boolean slotSeen;
    private boolean targetReachable = true;
    private Double lagRead;
    private long lagReadNanos;
    private final SourceOutageLog sourceOutages = new SourceOutageLog();

    /**
     * @param state what the bridge is doing, as operators see it
     * @param role  whether this instance holds the leader lock right now
     */
    public StatusReporter(BridgeSettings settings, BridgeInstance instance, Supplier<String> state, Supplier<Role> role,
                          BridgeStats stats, DataSource target) {
        this.settings = settings;
        this.instance = instance;
        this.state = state;
        this.role = role;
        this.stats = stats;
        this.target = target;
        this.slots = new SlotMonitor(settings.source(), settings.slot());
        this.current = new BridgeStatus(settings.name(), state.get(), null, 0, 0, 0, 0, settings.slot(), SlotHealth.UNKNOWN,
                Map.of(), null, startedAt, startedAt, instance, role.get(), List.of());
    }

    /**
     * Called on the status thread after each reading of the slot that finds it missing or lost;
     * whoever owns the stream decides whether that loses anything (a slot not created yet does not).
     */
    public void onSlotLooksLost(Runnable listener) {
        this.slotLooksLost = listener;
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
        String stateName = state.get();
        boolean reconnectingNow = "RECONNECTING".equals(stateName) && !"RECONNECTING".equals(current.state());
        if (ticks++ % SLOT_EVERY_TICKS == 0 || !slotSeen || reconnectingNow) {
            readSource();
        }
        BridgeStatus gathered = new BridgeStatus(settings.name(), stateName, readLag(), changes, perSecond,
                stats.batchesApplied(), stats.rejectedRows(), settings.slot(), slot, snapshotProgress(),
                stats.lastError(), startedAt, Instant.now(), instance, role.get(), List.of());
        // While the read side is unreachable there is nothing to write to, and the last list of
        // instances is the best one known.
        BridgeStatus status = gathered.withInstances(targetReachable ? publish(gathered) : current.instances());
        current = status;
        synchronized (this) {
            history.addLast(status);
            while (history.size() > HISTORY_POINTS) {
                history.removeFirst();
            }
        }
        sourceOutages.observe(status);
        warnOnThresholds(status);
    }

    private void reportSafely() {
        try {
            report();
        } catch (RuntimeException e) {
            LOG.warn("could not gather the bridge's status: {}", e.getMessage());
        }
    }

    private void readSource() {
        try {
            slot = slots.read();
            if (slot.lost()) {
                slotLooksLost.run();
            }
            if (stats.activity() == BridgeStats.Activity.SNAPSHOTTING || snapshotEstimates.isEmpty()) {
                snapshotEstimates = slots.estimatedRows();
            }
        } catch (SQLException e) {
            // Unknown, not the last figures read: while the source is unreachable nobody knows.
            slot = SlotHealth.UNKNOWN;
            stats.lastError("source: cannot reach " + settings.source().describe() + ": " + e.getMessage());
            LOG.debug("slot health unavailable: {}", e.getMessage());
        }
    }


    private Map<String, BridgeStatus.SnapshotProgress> snapshotProgress() {
        if (stats.activity() != BridgeStats.Activity.SNAPSHOTTING) {
            return Map.of();
        }
        Map<String, BridgeStatus.SnapshotProgress> progress = new LinkedHashMap<>();
        stats.snapshotRows().forEach((table, rows) -> progress.put(table,
                new BridgeStatus.SnapshotProgress(rows, Math.max(rows, snapshotEstimates.getOrDefault(table, 0L)))));
        return progress;
    }

    /**
     * Lag as the read side shows it. While the read side cannot be reached nothing can be applied
     * to it, so its lag grows with the clock from the last figure read: that is what is shown.
     */
    private Double readLag() {
        try (Connection connection = target.getConnection(); PreparedStatement query = connection.prepareStatement(LAG_QUERY)) {
            query.setString(1, settings.name());
            Double lag = null;
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next()) {
                    double seconds = rs.getDouble(1);
                    lag = rs.wasNull() ? null : Math.max(0, seconds);
                }
            }
            targetReachable = true;
            lagReadNanos = System.nanoTime();
            lagRead = lag;
            return lag;
        } catch (SQLException e) {
            targetReachable = false;
            LOG.debug("lag unavailable: {}", e.getMessage());
        }
        return lagRead == null ? current.lagSeconds() : lagRead + (System.nanoTime() - lagReadNanos) / 1e9;
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
            if (s.role() == Role.ACTIVE && !"STANDBY".equals(s.state())) {
                try {
                    writeStatusRow(connection, s);
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

    private static void writeStatusRow(Connection connection, BridgeStatus s) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT)) {
            upsert.setString(1, s.bridgeName());
            upsert.setString(2, s.state());
            setNullableDouble(upsert, 3, s.lagSeconds());
            upsert.setLong(4, s.eventsAppliedTotal());
            upsert.setDouble(5, s.eventsPerSecond());
            upsert.setLong(6, s.batchesAppliedTotal());
            upsert.setLong(7, s.rejectedRowsTotal());
            upsert.setString(8, s.slotName());
            if (s.slot() == SlotHealth.UNKNOWN) {
                upsert.setNull(9, Types.BOOLEAN);
            } else {
                upsert.setBoolean(9, s.slot().active());
            }
            setNullableLong(upsert, 10, s.slot().retainedWalBytes());
            upsert.setString(11, s.slot().walStatus());
            setNullableLong(upsert, 12, s.slot().safeWalSizeBytes());
            upsert.setString(13, s.snapshotProgress().isEmpty() ? null : snapshotJson(s.snapshotProgress()));
            upsert.setString(14, s.lastError());
            upsert.setTimestamp(15, Timestamp.from(s.startedAt()));
            upsert.setTimestamp(16, Timestamp.from(s.at()));
            upsert.setString(17, s.instance().instanceId());
            upsert.executeUpdate();
        }
    }

    private void warnOnThresholds(BridgeStatus s) {
        BridgeSettings.Observability limits = settings.observability();
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
        slotSeen |= s.slot().exists() && s.slot() != SlotHealth.UNKNOWN;
        // A lost slot is not logged here: the bridge stops on it and says what to do (SlotGuard).
    }

    private static String snapshotJson(Map<String, BridgeStatus.SnapshotProgress> progress) {
        try {
            return StatusJson.MAPPER.writeValueAsString(StatusJson.snapshotProgress(progress));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setNullableDouble(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }

    private static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
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
        slots.close();
    }
}
