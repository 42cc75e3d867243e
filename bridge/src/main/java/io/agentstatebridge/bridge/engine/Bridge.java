package io.agentstatebridge.bridge.engine;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.snapshot.SourceSnapshot;
import io.agentstatebridge.bridge.source.InterruptedSessions;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.SlotGuard;
import io.agentstatebridge.bridge.source.TransientFailures;
import io.agentstatebridge.bridge.source.SlotLostException;
import io.agentstatebridge.bridge.source.SourcePreflight;
import io.agentstatebridge.bridge.source.TargetSetup;
import io.agentstatebridge.bridge.http.StatusServer;
import io.agentstatebridge.bridge.metrics.BridgeMetrics;
import io.agentstatebridge.bridge.status.BridgeInstance;
import io.agentstatebridge.bridge.status.Role;
import io.agentstatebridge.bridge.status.StatusReporter;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running bridge: checks both databases, then streams the source's changes into the read
 * side until stopped. Lifecycle: NEW → STARTING → (STANDBY →) RUNNING → STOPPING → STOPPED, or
 * FAILED. Several bridges may run with the same name for failover: one streams, the others wait in
 * STANDBY and the first to get the {@link LeaderLock} takes over when the active one goes away.
 * Every instance, active or standby, reports its role and state to the read side's instances table.
 *
 * <p>A replication slot that can no longer serve the stored position (dropped, invalidated,
 * recreated) ends the bridge in FAILED with a {@link SlotLostException}, whether found before
 * streaming, by the status thread watching the slot, or behind a connector failure.
 */
public final class Bridge implements AutoCloseable {
    public enum State { NEW, STARTING, STANDBY, RUNNING, STOPPING, STOPPED, FAILED }

    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);

    private final BridgeSettings settings;
    private final BridgeStats stats = new BridgeStats();
    private final BridgeInstance instance = BridgeInstance.ofThisProcess();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean released = new AtomicBoolean();
    private static final Duration STANDBY_POLL = Duration.ofSeconds(1);
    private static final Duration TAKEOVER_SLOT_WAIT = Duration.ofSeconds(30);
    private static final Duration RESTART_INITIAL = ConnectorProperties.RECONNECT_INITIAL;

    private HikariDataSource target;
    private volatile LeaderLock leaderLock; // read by the status reporter's thread
    private LeadershipWatch leadershipWatch;
    private volatile SlotLossWatch slotLoss; // read by the status reporter's thread
    private StatusReporter statusReporter;
    private StatusServer statusServer;
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private volatile SourceSnapshot snapshot; // while one runs, for close() to stop it
    private volatile Thread streamThread; // for close() to wake it between two runs of the connector
    private final Object streamStart = new Object();
    private boolean streaming; // guarded by streamStart: the engine runs (or is about to)
    private volatile ExecutorService executor;

    public Bridge(BridgeSettings settings) {
        this.settings = settings;
    }

    /** Checks and prepares both databases, then starts streaming; returns once the engine runs. */
    public synchronized void start() {
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException("a bridge starts once; this one is " + state.get());
        }
        try {
            TargetSetup.migrate(settings.target());
            target = readSidePool();
            statusReporter = new StatusReporter(settings, instance, this::stateName, this::role, stats, target);
            statusReporter.onSlotLooksLost(this::slotLooksLost);
            statusReporter.start();
            startStatusServer();
            leaderLock = new LeaderLock(settings.target(), settings.name());
            if (acquireLeadership()) {
                startStreaming(SourcePreflight.DEFAULT_SLOT_RELEASE_WAIT);
            } else {
                state.set(State.STANDBY);
                LOG.info("bridge '{}' is standing by: another instance with this name is active; taking over when it stops",
                        settings.name());
                Thread standby = new Thread(this::standBy, "bridge-standby");
                standby.setDaemon(true);
                standby.start();
            }
        } catch (RuntimeException e) {
            state.set(State.FAILED);
            failure.set(e);
            releaseResources();
            finished.countDown();
            throw e;
        }
    }

    private boolean acquireLeadership() {
        try {
            return leaderLock.tryAcquire();
        } catch (SQLException e) {
            throw new SetupException("cannot reach the target database at " + settings.target().describe()
                    + " to coordinate with other instances: " + e.getMessage(), e);
        }
    }

    /** Polls for the lock until this bridge is active or asked to stop. */
    private void standBy() {
        try {
            while (state.get() == State.STANDBY) {
                Thread.sleep(STANDBY_POLL.toMillis());
                boolean acquired;
                try {
                    acquired = leaderLock.tryAcquire();
                } catch (SQLException e) {
                    LOG.warn("standby cannot reach the target to check the active instance: {}", e.getMessage());
                    continue;
                }
                if (acquired && state.compareAndSet(State.STANDBY, State.STARTING)) {
                    LOG.info("bridge '{}' taking over: the active instance is gone", settings.name());
                    // The previous holder's replication connection may take a moment to be dropped.
                    startStreaming(TAKEOVER_SLOT_WAIT);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            state.set(State.FAILED);
            failure.set(e);
            LOG.error("bridge '{}' could not take over: {}", settings.name(), e.getMessage());
            releaseResources();
            finished.countDown();
        }
    }

    private void startStreaming(Duration slotReleaseWait) {
        ProjectionApplier applier;
        try {
            applier = InterruptedSessions.retry("checking the databases", () -> {
                new SourcePreflight(settings, slotReleaseWait).run();
                return takeOver();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("interrupted while checking the databases", e);
        }
        SlotLossWatch watch = new SlotLossWatch(settings, this::storedOffset);
        AppliedOffset applied = TargetOffsetStore.register(settings.name(), target);
        executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "bridge-engine"));
        state.set(State.RUNNING);
        executor.execute(() -> stream(applier, applied, watch));
        leadershipWatch = new LeadershipWatch(leaderLock, this::stepDown);
        leadershipWatch.start();
        LOG.info("bridge '{}' active, from {} to {}", settings.name(), settings.source().describe(),
                settings.target().describe());
    }

    /** One run of the connector; a new one resumes from the stored position. */
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> newEngine(BatchHandler handler,
                                                                       AtomicReference<EngineOutcome> outcome) {
        return DebeziumEngine.create(ChangeEventFormat.of(io.debezium.embedded.Connect.class))
                .using(ConnectorProperties.of(settings))
                .notifying(handler)
                .using((success, message, error) -> outcome.set(new EngineOutcome(success, message, error)))
                .build();
    }

    /** How a run of the connector ended, as its completion callback reported it. */
    private record EngineOutcome(boolean success, String message, Throwable error) {
    }

    /**
     * On the engine thread: loads the read side from a snapshot of the source when it holds no
     * position to resume from, then streams. The slot is checked against the position in between:
     * streaming must start exactly where the read side stands.
     *
     * <p>The connector retries lost connections by itself once it streams, but not every failure
     * while its task starts (a connection ended while it reads the source's types, say): a run that
     * ends on a connection failure is followed by a new one, after a pause, from the stored position.
     */
    private void stream(ProjectionApplier applier, AppliedOffset applied, SlotLossWatch watch) {
        streamThread = Thread.currentThread();
        EngineOutcome outcome;
        try {
            if (SlotGuard.resumeLsn(storedOffset()) == null) {
                stats.activity(BridgeStats.Activity.SNAPSHOTTING);
                snapshot = new SourceSnapshot(settings, target, applier, ResumeOffsets::atConsistentPoint, stats);
                snapshot.run(false);
                snapshot = null;
                stats.snapshotCompleted();
            }
            watch.checkBeforeStreaming();
            slotLoss = watch;
            LOG.info("bridge '{}' streaming from {} (slot {}, publication {}) to {}", settings.name(),
                    settings.source().describe(), settings.slot(), settings.publication(), settings.target().describe());
            Duration pause = RESTART_INITIAL;
            while (true) {
                AtomicReference<EngineOutcome> ended = new AtomicReference<>();
                BatchHandler handler;
                synchronized (streamStart) {
                    if (state.get() != State.RUNNING) {
                        outcome = new EngineOutcome(true, "stopped before streaming began", null);
                        break;
                    }
                    handler = new BatchHandler(applier, applied, stats, this::isRunning, settings.maxBatchSize(),
                            ConnectorProperties.DELIVERY_SIZE);
                    engine = newEngine(handler, ended);
                    streaming = true;
                }
                try {
                    engine.run();
                } finally {
                    handler.close(); // a large transaction left half written is rolled back
                }
                synchronized (streamStart) {
                    streaming = false;
                }
                outcome = ended.get() != null ? ended.get() : new EngineOutcome(false, "the connector ended without a word", null);
                if (state.get() != State.RUNNING || outcome.success() || !TransientFailures.isTransient(outcome.error())
                        || SlotLostException.in(outcome.error()) != null || slotLoss.lost() != null) {
                    break;
                }
                stats.lastError("source: " + describe(outcome.error()));
                stats.activity(BridgeStats.Activity.RECONNECTING);
                LOG.warn("the connector stopped on a connection failure ({}); starting it again in {} ms",
                        describe(outcome.error()), pause.toMillis());
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(ConnectorProperties.RECONNECT_MAX) > 0
                        ? ConnectorProperties.RECONNECT_MAX : pause.multipliedBy(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            boolean stopping = state.get() == State.STOPPING;
            outcome = new EngineOutcome(stopping, stopping ? "stopped" : "interrupted", stopping ? null : e);
        } catch (SQLException | RuntimeException e) {
            outcome = new EngineOutcome(false, e.getMessage(), state.get() == State.STOPPING ? null : e);
        }
        engineFinished(outcome.success(), outcome.message(), outcome.error());
    }

    /**
     * From here on this instance is the one applying: batches of any instance that applied before
     * it are refused by the read side (they could only come from one that lost the leader lock
     * without noticing). Done before the connector reads the position to resume from.
     */
    private ProjectionApplier takeOver() {
        try {
            return ProjectionApplier.takeOver(target, settings.name());
        } catch (SQLException e) {
            throw new SetupException("cannot take over applying for bridge '" + settings.name() + "' on the read side at "
                    + settings.target().describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Another instance holds the leader lock, taken while this one had lost its read-side session:
     * stop streaming so that it can have the slot. See {@link LeadershipWatch} for why.
     */
    private void stepDown() {
        if (!state.compareAndSet(State.RUNNING, State.FAILED)) {
            return;
        }
        String reason = "another instance with the name '" + settings.name() + "' took the leader lock while this one "
                + "had lost its connection to the read side; this instance stopped streaming so that the other can "
                + "take over. Restart it to have it stand by.";
        failure.set(new SetupException(reason));
        stats.lastError(reason);
        LOG.error("bridge '{}' stepping down: {}", settings.name(), reason);
        try {
            stopStream();
        } catch (IOException | RuntimeException e) {
            LOG.warn("the change-streaming engine did not close cleanly: {}", e.getMessage());
        }
    }

    public State state() {
        return state.get();
    }

    /** The state operators see: while running, what the stream is doing. */
    public String stateName() {
        State current = state.get();
        return current == State.RUNNING ? stats.activity().name() : current.name();
    }

    /** Active while this instance holds the leader lock (from winning it until its connections are released). */
    public Role role() {
        LeaderLock lock = leaderLock;
        return lock != null && lock.held() ? Role.ACTIVE : Role.STANDBY;
    }

    /** This process among the instances of the bridge. */
    public BridgeInstance instance() {
        return instance;
    }

    /** Live figures, or null before start. */
    public StatusReporter status() {
        return statusReporter;
    }

    /** The bound HTTP port, or 0 when the HTTP server is off. */
    public int httpPort() {
        return statusServer == null ? 0 : statusServer.port();
    }

    private void startStatusServer() {
        BridgeSettings.Observability observability = settings.observability();
        if (observability.httpPort() == 0) {
            return;
        }
        BridgeMetrics metrics = new BridgeMetrics(settings.name(), stats, statusReporter);
        try {
            statusServer = new StatusServer(observability.httpBind(), observability.httpPort(), statusReporter, metrics,
                    s -> !"FAILED".equals(s.state()),
                    s -> "STREAMING".equals(s.state()) && s.lagSeconds() != null
                            && s.lagSeconds() <= observability.readyMaxLagSeconds());
        } catch (IOException e) {
            throw new SetupException("cannot serve status on " + observability.httpBind() + ":" + observability.httpPort()
                    + ": " + e.getMessage() + ". Choose another --http-port, or 0 to turn the HTTP server off.", e);
        }
    }

    public BridgeStats stats() {
        return stats;
    }

    public BridgeSettings settings() {
        return settings;
    }

    /** Why the bridge failed, if it did. */
    public Throwable failure() {
        return failure.get();
    }

    /** Blocks until the bridge stops, by request or by failure. */
    public void awaitTermination() throws InterruptedException {
        finished.await();
    }

    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Finishes the batch in flight (or rolls it back), stops streaming and releases connections. */
    @Override
    public void close() {
        State current = state.get();
        if (current == State.FAILED) {
            releaseResources();
            return;
        }
        if (current == State.NEW || current == State.STOPPED) {
            return;
        }
        if (!state.compareAndSet(current, State.STOPPING)) {
            return;
        }
        LOG.info("bridge '{}' stopping", settings.name());
        try {
            if (executor == null) {
                finished.countDown(); // a standby has no stream to end
            } else {
                stopStream();
            }
            finished.await(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("the change-streaming engine did not close cleanly: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state.compareAndSet(State.STOPPING, State.STOPPED);
            releaseResources();
        }
    }

    /**
     * Ends the stream, whichever phase it is in: a snapshot is cancelled (the engine thread then
     * reports), a running engine closed. Either way {@link #engineFinished} follows.
     */
    private void stopStream() throws IOException {
        boolean engineRuns;
        synchronized (streamStart) {
            engineRuns = streaming;
        }
        SourceSnapshot running = snapshot;
        if (engineRuns) {
            EngineStopper.close(engine);
        } else if (running != null) {
            running.cancel();
        } else if (streamThread != null) {
            streamThread.interrupt(); // pausing between two runs of the connector
        }
    }

    private boolean isRunning() {
        return state.get() == State.RUNNING;
    }

    private void engineFinished(boolean success, String message, Throwable error) {
        SlotLostException lost = slotLoss == null ? null : slotLoss.lost();
        if (lost == null && slotLoss != null && state.get() != State.STOPPING && !(success && error == null)) {
            // The connector reports a lost slot as an offset dump, or after half an hour of retries: say what it is.
            lost = SlotLostException.in(error);
            if (lost == null) {
                lost = slotLoss.diagnose();
            }
            if (lost != null) {
                slotLoss.report(lost);
            }
        }
        if (lost != null) {
            failure.set(lost);
            state.set(State.FAILED);
        } else if (state.get() == State.STOPPING || (success && error == null)) {
            LOG.info("change streaming ended: {}", message);
        } else if (state.get() == State.FAILED && failure.get() != null) {
            LOG.info("change streaming ended after stepping down");
        } else {
            Throwable cause = error != null ? error : new SetupException(message);
            failure.set(cause);
            state.set(State.FAILED);
            LOG.error("bridge '{}' stopped on an error: {}", settings.name(), describe(cause));
        }
        finished.countDown();
    }

    /**
     * On the status thread, when the slot looks missing or lost: if the stored position needs it,
     * the bridge cannot go on, and stops now rather than when the connector next reconnects (which,
     * for an invalidated slot, it retries for half an hour).
     */
    private void slotLooksLost() {
        SlotLossWatch watch = slotLoss;
        if (state.get() != State.RUNNING || watch == null || watch.lost() != null) {
            return;
        }
        SlotLostException lost = watch.diagnose();
        if (lost == null) {
            return; // e.g. the connector has not created the slot yet: nothing stored depends on it
        }
        watch.report(lost);
        Thread stopper = new Thread(() -> {
            try {
                stopStream(); // engineFinished follows, and records the failure
            } catch (IOException e) {
                LOG.warn("the change-streaming engine did not close cleanly: {}", e.getMessage());
            }
        }, "bridge-slot-lost");
        stopper.setDaemon(true);
        stopper.start();
    }

    private String storedOffset() throws SQLException {
        return TargetOffsetStore.storedOffset(target, TargetOffsetStore.POSITION_TABLE, settings.name());
    }

    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable t = error.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !text.toString().contains(t.getMessage())) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    private HikariDataSource readSidePool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.target().jdbcUrl());
        config.setPoolName("read-side");
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(1);
        // Short, so that while the read side is down each retry of a batch and each status tick
        // gives up quickly (the batch is retried with backoff; the status shows the outage).
        config.setConnectionTimeout(3_000);
        config.setInitializationFailTimeout(-1);
        // After a network partition the server may keep a session of ours it cannot tell is gone,
        // in the middle of a batch's transaction, holding row locks the retried batch then waits
        // for. Keepalives let the server notice a vanished peer in about 25 s (instead of the
        // default two hours); the idle-in-transaction limit ends such a transaction regardless.
        // Neither touches a live batch: its statements follow each other without pause.
        config.setConnectionInitSql("SET idle_in_transaction_session_timeout = '30s'; SET tcp_keepalives_idle = 10; "
                + "SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3");
        config.addDataSourceProperty("ApplicationName", "agent-state-bridge");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(config);
    }

    private void releaseResources() {
        if (released.getAndSet(true)) {
            return;
        }
        if (executor != null) {
            executor.shutdown();
        }
        if (leadershipWatch != null) {
            leadershipWatch.close();
        }
        if (statusServer != null) {
            statusServer.close();
        }
        if (statusReporter != null) {
            statusReporter.report(); // the final state, for the status table
            statusReporter.close();
        }
        if (leaderLock != null) {
            leaderLock.close();
        }
        TargetOffsetStore.unregister(settings.name());
        if (target != null) {
            target.close();
        }
    }
}
