package io.agentstatebridge.bridge.exactness;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.testing.BridgeDatabases;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.awaitility.Awaitility.await;

/**
 * A bridge running between two test databases, and the checks the exactness tests make of it:
 * the read side equals the definitions (as `verify` proves it), with the bridge still running. A
 * bridge that stops on the way fails the check at once, with its error, instead of after the
 * verification's timeout.
 */
final class StreamedBridge implements AutoCloseable {
    private static final Duration CATCH_UP = Duration.ofSeconds(90);

    private final BridgeDatabases databases;
    private Bridge bridge;

    private StreamedBridge(BridgeDatabases databases, int maxBatchSize) {
        this.databases = databases;
        this.bridge = new Bridge(databases.settings(maxBatchSize));
    }

    /**
     * Starts a bridge from {@code databases}' source to its read side and returns once its snapshot
     * is complete: what the test writes from then on reaches the read side through the stream.
     */
    static StreamedBridge start(BridgeDatabases databases, int maxBatchSize) {
        StreamedBridge streamed = new StreamedBridge(databases, maxBatchSize);
        streamed.bridge.start();
        // An empty source's snapshot has no last row to mark its end; the first heartbeat through the stream does.
        await().atMost(CATCH_UP).until(() -> streamed.bridge.stats().snapshotComplete()
                || streamed.bridge.state() == BridgeState.FAILED
                || !streamed.onTarget("SELECT 1 FROM agent_state_bridge.heartbeat WHERE bridge_name = ?", databases.name()).isEmpty());
        return streamed;
    }

    /**
     * Stops the bridge as an operator does and starts a new one with the same settings: a new
     * connector, which resumes from the stored position (and with its reconnect backoff reset).
     */
    void restart() {
        bridge.close();
        bridge = new Bridge(databases.settings(bridge.settings().maxBatchSize()));
        bridge.start();
    }

    /** A bridge the test starts itself, when it wants to act during the snapshot. */
    static StreamedBridge notStarted(BridgeDatabases databases, int maxBatchSize) {
        return new StreamedBridge(databases, maxBatchSize);
    }

    Bridge bridge() {
        return bridge;
    }

    BridgeDatabases databases() {
        return databases;
    }

    /** Runs {@code statements} on the source in one transaction. */
    void onSource(List<String> statements) throws SQLException {
        try (Connection source = databases.openSource()) {
            source.setAutoCommit(false);
            for (String sql : statements) {
                try (PreparedStatement statement = source.prepareStatement(sql)) {
                    statement.execute();
                }
            }
            source.commit();
        }
    }

    /** Runs {@code sql} on the source in a transaction of its own, {@code parameters} bound to its ?s. */
    void onSource(String sql, Object... parameters) throws SQLException {
        try (Connection source = databases.openSource(); PreparedStatement statement = source.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
        }
    }

    /** The first column of every row {@code sql} returns on the read side. */
    List<String> onTarget(String sql, Object... parameters) throws SQLException {
        return query(databases.target().jdbcUrl(), sql, parameters);
    }

    List<String> onSourceQuery(String sql, Object... parameters) throws SQLException {
        return query(databases.source().jdbcUrl(), sql, parameters);
    }

    /**
     * Null when the read side equals the definitions and the bridge is still running; otherwise
     * what differs, or why the bridge stopped.
     */
    String differences() throws InterruptedException {
        CompletableFuture<String> verification = CompletableFuture.supplyAsync(() -> {
            try {
                return databases.verifyDifferences(CATCH_UP);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        while (!verification.isDone()) {
            if (bridge.state() == BridgeState.FAILED) {
                verification.cancel(true);
                return "the bridge stopped: " + RandomizedExactnessIT.describe(bridge.failure());
            }
            Thread.sleep(100);
        }
        try {
            String differences = verification.join();
            if (differences != null) {
                return differences;
            }
        } catch (CompletionException e) {
            return "verification failed: " + RandomizedExactnessIT.describe(e.getCause()) + "; bridge " + bridge.state()
                    + ", last error: " + bridge.stats().lastError();
        }
        return bridge.state().isRunning() ? null
                : "the bridge is " + bridge.state() + ": " + RandomizedExactnessIT.describe(bridge.failure());
    }

    private static List<String> query(String url, String sql, Object... parameters) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    @Override
    public void close() {
        bridge.close();
    }
}
