package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.config.BridgeSettings;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The embedded connector filling a rebuild's shadow tables: a snapshot on a new slot, then the
 * changes since, applied exactly as the bridge applies them but into another schema, with the
 * position stored under a key of its own. The caller decides when it has caught up and closes it.
 * No standby, status or HTTP: `resnapshot` runs it with the bridge's lock held.
 */
public final class RebuildStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RebuildStream.class);

    private final String positionKey;
    private final BridgeStats stats = new BridgeStats();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "rebuild-engine"));
    private volatile boolean closing;

    private RebuildStream(BridgeSettings settings, DataSource target, String positionKey, ReadSideSchema schema) {
        this.positionKey = positionKey;
        TargetOffsetStore.register(positionKey, target);
        ProjectionApplier applier = new ProjectionApplier(target, positionKey, schema);
        engine = DebeziumEngine.create(ChangeEventFormat.of(io.debezium.embedded.Connect.class))
                .using(ConnectorProperties.of(settings, positionKey))
                .notifying(new BatchHandler(applier, stats, () -> !closing, 8 * settings.maxBatchSize()))
                .using(this::engineFinished)
                .build();
    }

    /** Starts streaming into {@code schema}; the slot must not exist yet, so that a snapshot comes first. */
    public static RebuildStream start(BridgeSettings settings, DataSource target, String positionKey, ReadSideSchema schema) {
        RebuildStream stream = new RebuildStream(settings, target, positionKey, schema);
        stream.executor.execute(stream.engine);
        return stream;
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
            engine.close();
            if (!ended.await(60, TimeUnit.SECONDS)) {
                LOG.warn("the rebuild's change-streaming engine did not stop within 60 s");
            }
        } catch (IOException e) {
            LOG.warn("the rebuild's change-streaming engine did not close cleanly: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdown();
            TargetOffsetStore.unregister(positionKey);
        }
    }
}
