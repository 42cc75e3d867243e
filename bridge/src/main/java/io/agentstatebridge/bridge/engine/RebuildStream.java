package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.SlotGuard;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.apply.ReadSideSchema;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * The embedded connector filling a rebuild's shadow tables: a snapshot on a new slot, then the
 * changes since, applied exactly as the bridge applies them but into another schema, position
 * included (so the live position is untouched until the swap). The caller decides when it has
 * caught up and closes it. No standby, status or HTTP: `resnapshot` runs it with the bridge's lock held.
 */
public final class RebuildStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RebuildStream.class);

    private final String bridgeName;
    private final BridgeStats stats = new BridgeStats();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "rebuild-engine"));
    private volatile boolean closing;

    private RebuildStream(BridgeSettings settings, DataSource target, ReadSideSchema schema) {
        this.bridgeName = settings.name();
        String positionTable = positionTable(schema);
        ProjectionApplier applier;
        try {
            applier = ProjectionApplier.takeOver(target, bridgeName, schema);
        } catch (SQLException e) {
            throw new SetupException("cannot prepare the rebuild's position on the read side: " + e.getMessage(), e);
        }
        AppliedOffset applied = TargetOffsetStore.register(bridgeName, target, positionTable);
        SlotGuard slotGuard = new SlotGuard(settings);
        LongConsumer slotCheck = lsn -> {
            try {
                slotGuard.checkFrom(lsn);
            } catch (SQLException e) {
                throw new SetupException("cannot check the new replication slot: " + e.getMessage(), e);
            }
        };
        engine = DebeziumEngine.create(ChangeEventFormat.of(io.debezium.embedded.Connect.class))
                .using(ConnectorProperties.of(settings))
                .notifying(new BatchHandler(applier, applied, stats, () -> !closing, 8 * settings.maxBatchSize(), slotCheck))
                .using(this::engineFinished)
                .build();
    }

    /** Starts streaming into {@code schema}; the slot must not exist yet, so that a snapshot comes first. */
    public static RebuildStream start(BridgeSettings settings, DataSource target, ReadSideSchema schema) {
        RebuildStream stream = new RebuildStream(settings, target, schema);
        stream.executor.execute(stream.engine);
        return stream;
    }

    /** Where the applier writing into {@code schema} keeps its position. */
    public static String positionTable(ReadSideSchema schema) {
        return schema.rewrite(TargetOffsetStore.POSITION_TABLE);
    }

    public BridgeStats stats() {
        return stats;
    }

    /** True once the connector has stopped, by itself or by {@link #close()}. */
    public boolean hasEnded() {
        return ended.getCount() == 0;
    }

    /** Why the connector stopped by itself, or null. */
    public Throwable failure() {
        return failure.get();
    }

    private void engineFinished(boolean success, String message, Throwable error) {
        if (!closing && !(success && error == null)) {
            failure.set(error != null ? error : new IllegalStateException(message));
        }
        ended.countDown();
    }

    /** Stops the connector after the batch in flight; what was applied stays, position included. */
    @Override
    public void close() {
        closing = true;
        try {
            EngineStopper.close(engine);
            if (!ended.await(60, TimeUnit.SECONDS)) {
                LOG.warn("the rebuild's change-streaming engine did not stop within 60 s");
            }
        } catch (IOException e) {
            LOG.warn("the rebuild's change-streaming engine did not close cleanly: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdown();
            TargetOffsetStore.unregister(bridgeName);
        }
    }
}
