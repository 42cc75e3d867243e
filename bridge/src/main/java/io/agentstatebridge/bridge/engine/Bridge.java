package io.agentstatebridge.bridge.engine;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.SourcePreflight;
import io.agentstatebridge.bridge.source.TargetSetup;
import io.agentstatebridge.bridge.http.StatusServer;
import io.agentstatebridge.bridge.metrics.BridgeMetrics;
import io.agentstatebridge.bridge.status.StatusReporter;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running bridge: checks both databases, then streams the source's changes into the read
 * side until stopped. Lifecycle: NEW → STARTING → RUNNING → STOPPING → STOPPED, or FAILED.
 */
public final class Bridge implements AutoCloseable {
    public enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED, FAILED }

    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);

    private final BridgeSettings settings;
    private final BridgeStats stats = new BridgeStats();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
    private HikariDataSource target;
    private StatusReporter statusReporter;
    private StatusServer statusServer;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private ExecutorService executor;

    public Bridge(BridgeSettings settings) {
        this.settings = settings;
    }

    /** Checks and prepares both databases, then starts streaming; returns once the engine runs. */
    public synchronized void start() {
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException("a bridge starts once; this one is " + state.get());
        }
        try {
            new SourcePreflight(settings).run();
            TargetSetup.migrate(settings.target());
            target = readSidePool();
            TargetOffsetStore.register(settings.name(), target);
            ProjectionApplier applier = new ProjectionApplier(target, settings.name());
            engine = DebeziumEngine.create(ChangeEventFormat.of(io.debezium.embedded.Connect.class))
                    .using(ConnectorProperties.of(settings))
                    .notifying(new BatchHandler(applier, stats, this::isRunning, 8 * settings.maxBatchSize()))
                    .using(this::engineFinished)
                    .build();
            executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "bridge-engine"));
            state.set(State.RUNNING);
            executor.execute(engine);
            statusReporter = new StatusReporter(settings, this::stateName, stats, target);
            statusReporter.start();
            startStatusServer();
            LOG.info("bridge '{}' streaming from {} (slot {}, publication {}) to {}", settings.name(),
                    settings.source().describe(), settings.slot(), settings.publication(), settings.target().describe());
        } catch (RuntimeException e) {
            state.set(State.FAILED);
            failure.set(e);
            releaseResources();
            finished.countDown();
            throw e;
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
            if (engine != null) {
                engine.close();
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

    private boolean isRunning() {
        return state.get() == State.RUNNING;
    }

    private void engineFinished(boolean success, String message, Throwable error) {
        if (state.get() == State.STOPPING || (success && error == null)) {
            LOG.info("change streaming ended: {}", message);
        } else {
            Throwable cause = error != null ? error : new SetupException(message);
            failure.set(cause);
            state.set(State.FAILED);
            LOG.error("bridge '{}' stopped on an error: {}", settings.name(), describe(cause));
        }
        finished.countDown();
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
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(-1);
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
        if (statusServer != null) {
            statusServer.close();
        }
        if (statusReporter != null) {
            statusReporter.report(); // the final state, for the status table
            statusReporter.close();
        }
        TargetOffsetStore.unregister(settings.name());
        if (target != null) {
            target.close();
        }
    }
}
