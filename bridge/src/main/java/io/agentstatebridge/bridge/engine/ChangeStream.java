package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.lifecycle.BridgeStats;
import io.agentstatebridge.bridge.lifecycle.Lifecycle;
import io.agentstatebridge.bridge.snapshot.SourceSnapshot;
import io.agentstatebridge.bridge.source.SlotGuard;
import io.agentstatebridge.bridge.source.SlotLostException;
import io.agentstatebridge.bridge.source.TransientFailures;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The change stream of the active instance, run on the engine's thread: loads the read side from a
 * snapshot of the source when it holds no position to resume from, then runs the connector, and
 * runs it again after a connection failure. Streaming must start exactly where the read side
 * stands, so the slot is checked against the stored position in between. Any thread may
 * {@link #stop} it, whichever phase it is in. It reports how it ended; what that means for the
 * bridge (stopped, failed, slot lost) is {@link Bridge}'s to decide.
 */
final class ChangeStream {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeStream.class);
    private static final Duration RESTART_INITIAL = ConnectorProperties.RECONNECT_INITIAL;

    /** How a run of the stream ended, as the connector's completion callback (or the stream) reported it. */
    record Outcome(boolean success, String message, Throwable error) {
        boolean clean() {
            return success && error == null;
        }
    }

    private final BridgeSettings settings;
    private final DataSource target;
    private final ProjectionApplier applier;
    private final AppliedOffset applied;
    private final Lifecycle lifecycle;
    private final BridgeStats stats;
    private final SlotLossWatch watch;
    private volatile SlotLossWatch slotLoss; // the watch, once the slot has been checked before streaming
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private volatile SourceSnapshot snapshot; // while one runs, for stop() to cancel it
    private volatile Thread streamThread; // for stop() to wake it between two runs of the connector
    private final Object streamStart = new Object();
    private boolean streaming; // guarded by streamStart: the engine runs (or is about to)

    /** @param applier the applier of the instance that has taken over (fenced: see {@code ProjectionApplier.takeOver}) */
    ChangeStream(BridgeSettings settings, DataSource target, ProjectionApplier applier, AppliedOffset applied,
                 Lifecycle lifecycle, BridgeStats stats) {
        this.settings = settings;
        this.target = target;
        this.applier = applier;
        this.applied = applied;
        this.lifecycle = lifecycle;
        this.stats = stats;
        this.watch = new SlotLossWatch(settings, this::storedOffset);
    }

    /**
     * On the engine thread, until stopped or failed. The connector retries lost connections by
     * itself once it streams, but not every failure while its task starts (a connection ended while
     * it reads the source's types, say): a run that ends on a connection failure is followed by a
     * new one, after a pause, from the stored position.
     */
    Outcome run() {
        streamThread = Thread.currentThread();
        Outcome outcome;
        try {
            if (SlotGuard.resumeLsn(storedOffset()) == null) {
                lifecycle.moveTo(BridgeState.SNAPSHOTTING, "is loading the read side from a snapshot of the source");
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
                AtomicReference<Outcome> ended = new AtomicReference<>();
                BatchHandler handler;
                synchronized (streamStart) {
                    if (!lifecycle.current().isRunning()) {
                        outcome = new Outcome(true, "stopped before streaming began", null);
                        break;
                    }
                    handler = new BatchHandler(applier, applied, stats, () -> lifecycle.current().isRunning(),
                            settings.maxBatchSize(), ConnectorProperties.DELIVERY_SIZE);
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
                outcome = ended.get() != null ? ended.get() : new Outcome(false, "the connector ended without a word", null);
                if (!lifecycle.current().isRunning() || outcome.success() || !TransientFailures.isTransient(outcome.error())
                        || SlotLostException.in(outcome.error()) != null || watch.lost() != null) {
                    break;
                }
                String restart = "the connector stopped on a connection failure (" + describe(outcome.error())
                        + "); starting it again in " + pause.toMillis() + " ms";
                stats.lastError("source: " + describe(outcome.error()));
                if (!lifecycle.moveTo(BridgeState.RECONNECTING, "is reconnecting: " + restart)) {
                    LOG.warn(restart);
                }
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(ConnectorProperties.RECONNECT_MAX) > 0
                        ? ConnectorProperties.RECONNECT_MAX : pause.multipliedBy(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            boolean stopping = lifecycle.current() == BridgeState.STOPPING;
            outcome = new Outcome(stopping, stopping ? "stopped" : "interrupted", stopping ? null : e);
        } catch (SQLException | RuntimeException e) {
            outcome = new Outcome(false, e.getMessage(), lifecycle.current() == BridgeState.STOPPING ? null : e);
        }
        return outcome;
    }

    /** One run of the connector; a new one resumes from the stored position. */
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> newEngine(BatchHandler handler, AtomicReference<Outcome> outcome) {
        return DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(ConnectorProperties.of(settings))
                .notifying(handler)
                .using((success, message, error) -> outcome.set(new Outcome(success, message, error)))
                .build();
    }

    /**
     * Ends the stream, whichever phase it is in: a snapshot is cancelled (the engine thread then
     * reports), a running engine closed, a pause between two runs of the connector interrupted.
     * Either way {@link #run} returns.
     */
    void stop() throws IOException {
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

    /**
     * Whether the stream ended because the slot can no longer serve the stored position: the verdict
     * kept while streaming or, for a run that streamed and ended unclean while not stopping, the
     * verdict asked now. The connector reports a lost slot as an offset dump, or after half an hour
     * of retries: this says what it is. Null when the slot is not known to be lost.
     */
    SlotLostException slotVerdict(Outcome outcome, boolean stopping) {
        SlotLossWatch streamed = slotLoss;
        SlotLostException lost = streamed == null ? null : streamed.lost();
        if (lost == null && streamed != null && !stopping && !outcome.clean()) {
            lost = SlotLostException.in(outcome.error());
            if (lost == null) {
                lost = streamed.diagnose();
            }
            if (lost != null) {
                streamed.report(lost);
            }
        }
        return lost;
    }

    /**
     * On the status thread, when the slot looks missing or lost: if the stored position needs it,
     * the stream cannot go on, and stops now rather than when the connector next reconnects (which,
     * for an invalidated slot, it retries for half an hour). {@link #run} then returns.
     */
    void slotLooksLost() {
        SlotLossWatch streamed = slotLoss;
        if (!lifecycle.current().isRunning() || streamed == null || streamed.lost() != null) {
            return;
        }
        SlotLostException lost = streamed.diagnose();
        if (lost == null) {
            return; // e.g. the connector has not created the slot yet: nothing stored depends on it
        }
        streamed.report(lost);
        Thread stopper = new Thread(() -> {
            try {
                stop();
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

    /** An error's message with the distinct messages of its causes. */
    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable t = error.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !text.toString().contains(t.getMessage())) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }
}
