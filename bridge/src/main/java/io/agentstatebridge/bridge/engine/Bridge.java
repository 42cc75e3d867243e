package io.agentstatebridge.bridge.engine;

import com.zaxxer.hikari.HikariDataSource;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.lifecycle.BridgeStats;
import io.agentstatebridge.bridge.lifecycle.Lifecycle;
import io.agentstatebridge.bridge.source.InterruptedSessions;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.SlotLostException;
import io.agentstatebridge.bridge.source.SourcePreflight;
import io.agentstatebridge.bridge.source.TargetSetup;
import io.agentstatebridge.bridge.status.BridgeInstance;
import io.agentstatebridge.bridge.status.InstanceRole;
import io.agentstatebridge.bridge.status.StatusReporter;
import io.agentstatebridge.projections.apply.ProjectionApplier;
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
 * side until stopped. Its states and the moves between them are {@link Lifecycle}'s; this class
 * makes the moves (start, stand by, take over, step down, stop, fail) and leaves the work to its
 * collaborators: {@link ChangeStream} (snapshot and connector runs), {@link Standby},
 * {@link LeadershipWatch}, {@link Observation} (status and HTTP) and {@link ReadSidePool}.
 *
 * <p>Several bridges may run with the same name for failover: one streams, the others wait in
 * STANDBY and the first to get the {@link LeaderLock} takes over when the active one goes away.
 * Every instance, active or standby, reports its role and state to the read side's instances table.
 *
 * <p>A replication slot that can no longer serve the stored position (dropped, invalidated,
 * recreated) ends the bridge in FAILED with a {@link SlotLostException}, whether found before
 * streaming, by the status thread watching the slot, or behind a connector failure.
 */
public final class Bridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
    private static final Duration TAKEOVER_SLOT_WAIT = Duration.ofSeconds(30);

    private final BridgeSettings settings;
    private final Lifecycle lifecycle;
    private final BridgeStats stats;
    private final BridgeInstance instance = BridgeInstance.ofThisProcess();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean released = new AtomicBoolean();

    private HikariDataSource target;
    private volatile Observation observation;
    private volatile LeaderLock leaderLock; // read by the status reporter's thread
    private LeadershipWatch leadershipWatch;
    private volatile ChangeStream stream; // once this instance has taken over
    private volatile ExecutorService executor;

    public Bridge(BridgeSettings settings) {
        this.settings = settings;
        this.lifecycle = new Lifecycle(settings.name());
        this.stats = new BridgeStats(lifecycle, settings.slot());
    }

    /** Checks and prepares both databases, then starts streaming; returns once the engine runs. */
    public synchronized void start() {
        if (!lifecycle.moveTo(state -> state == BridgeState.NEW, BridgeState.STARTING, "is starting")) {
            throw new IllegalStateException("a bridge starts once; this one is " + lifecycle.current());
        }
        try {
            TargetSetup.migrate(settings.target());
            target = ReadSidePool.open(settings.target());
            observation = Observation.start(settings, instance, lifecycle, this::role, stats, target, this::slotLooksLost);
            observation.serveHttp(settings, stats);
            leaderLock = new LeaderLock(settings.target(), settings.name());
            if (acquireLeadership()) {
                startStreaming(SourcePreflight.DEFAULT_SLOT_RELEASE_WAIT);
            } else {
                lifecycle.moveTo(BridgeState.STANDBY,
                        "is standing by: another instance with this name is active; taking over when it stops");
                // The previous holder's replication connection may take a moment to be dropped.
                Standby.start(leaderLock, lifecycle, () -> startStreaming(TAKEOVER_SLOT_WAIT), e -> {
                    fail(e, "could not take over: " + e.getMessage());
                    releaseResources();
                    finished.countDown();
                });
            }
        } catch (RuntimeException e) {
            fail(e, "could not start"); // the caller reports why
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
        ChangeStream started = new ChangeStream(settings, target, applier, TargetOffsetStore.register(settings.name(), target),
                lifecycle, stats);
        stream = started;
        executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "bridge-engine"));
        executor.execute(() -> streamEnded(started, started.run()));
        leadershipWatch = new LeadershipWatch(leaderLock, this::stepDown);
        leadershipWatch.start();
        LOG.info("bridge '{}' active, from {} to {}", settings.name(), settings.source().describe(),
                settings.target().describe());
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
        String reason = "another instance with the name '" + settings.name() + "' took the leader lock while this one "
                + "had lost its connection to the read side; this instance stopped streaming so that the other can "
                + "take over. Restart it to have it stand by.";
        if (!lifecycle.moveTo(BridgeState::isRunning, BridgeState.FAILED, "stepping down: " + reason)) {
            return;
        }
        failure.set(new SetupException(reason));
        stats.lastError(reason);
        try {
            stream.stop();
        } catch (IOException | RuntimeException e) {
            LOG.warn("the change-streaming engine did not close cleanly: {}", e.getMessage());
        }
    }

    /** On the engine thread, once the stream has ended: stopped, failed, or the slot lost. */
    private void streamEnded(ChangeStream ended, ChangeStream.Outcome outcome) {
        SlotLostException lost = ended.slotVerdict(outcome, lifecycle.current() == BridgeState.STOPPING);
        if (lost != null) {
            fail(lost, "stopped: " + lost.getMessage());
        } else if (lifecycle.current() == BridgeState.STOPPING || outcome.clean()) {
            LOG.info("change streaming ended: {}", outcome.message());
        } else if (lifecycle.current() == BridgeState.FAILED && failure.get() != null) {
            LOG.info("change streaming ended after stepping down");
        } else {
            Throwable cause = outcome.error() != null ? outcome.error() : new SetupException(outcome.message());
            fail(cause, "stopped on an error: " + ChangeStream.describe(cause));
        }
        finished.countDown();
    }

    /** On the status thread, when the slot looks missing or lost: the stream, if any, decides. */
    private void slotLooksLost() {
        ChangeStream streaming = stream;
        if (streaming != null) {
            streaming.slotLooksLost();
        }
    }

    /** The one way into FAILED: the failure is kept first, so that whoever sees FAILED finds why. */
    private void fail(Throwable cause, String reason) {
        failure.set(cause);
        lifecycle.moveTo(BridgeState.FAILED, reason);
    }

    public BridgeState state() {
        return lifecycle.current();
    }

    /** Active while this instance holds the leader lock (from winning it until its connections are released). */
    public InstanceRole role() {
        LeaderLock lock = leaderLock;
        return lock != null && lock.held() ? InstanceRole.ACTIVE : InstanceRole.STANDBY;
    }

    /** This process among the instances of the bridge. */
    public BridgeInstance instance() {
        return instance;
    }

    /** Live figures, or null before start. */
    public StatusReporter status() {
        Observation observed = observation;
        return observed == null ? null : observed.reporter();
    }

    /** The bound HTTP port, or 0 when the HTTP server is off. */
    public int httpPort() {
        Observation observed = observation;
        return observed == null ? 0 : observed.httpPort();
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
        if (lifecycle.current() == BridgeState.FAILED) {
            releaseResources();
            return;
        }
        if (!lifecycle.moveTo(BridgeState.STOPPING, "stopping")) {
            return; // not started, or stopped already
        }
        try {
            ChangeStream streaming = stream;
            if (streaming == null) {
                finished.countDown(); // a standby has no stream to end
            } else {
                streaming.stop();
            }
            finished.await(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("the change-streaming engine did not close cleanly: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lifecycle.moveTo(BridgeState.STOPPED, "stopped");
            releaseResources();
        }
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
        if (observation != null) {
            observation.close();
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
