package io.agentstatebridge.bridge.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A background writer committing transactions of a fixed number of event inserts, under keys of
 * its own, until stopped. Several, or one beside a {@link SourceChurn}, give transactions that
 * interleave in the WAL: a multi-row transaction is still open while others commit, which is
 * exactly where resuming from a stored position can go wrong.
 */
public final class BatchWriter implements AutoCloseable {
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong events = new AtomicLong();
    private final Thread thread;

    /** {@code name} prefixes every key; {@code pauseMillis} between transactions keeps the load steady. */
    public BatchWriter(BridgeDatabases databases, String name, int perTransaction, long pauseMillis) {
        thread = new Thread(() -> write(databases, name, perTransaction, pauseMillis), "batch-writer-" + name);
    }

    public BatchWriter start() {
        thread.start();
        return this;
    }

    /** Events committed so far. */
    public long events() {
        return events.get();
    }

    /** Stops after the transaction in flight; fails if the writer failed. */
    public void stop() {
        close();
        if (failure.get() != null) {
            throw new AssertionError("the batch writer failed", failure.get());
        }
    }

    /** Stops after the transaction in flight; an interrupted wait leaves the interrupt flag set. */
    @Override
    public void close() {
        writing.set(false);
        try {
            if (thread.isAlive()) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(BridgeDatabases databases, String name, int perTransaction, long pauseMillis) {
        try (Connection source = databases.openSource();
             PreparedStatement session = source.prepareStatement(
                     "INSERT INTO agent_sessions (session_id, agent_id, agent_type) VALUES (?, ?, 'coder')");
             PreparedStatement insert = source.prepareStatement("INSERT INTO agent_events "
                     + "(event_id, agent_id, session_id, event_type, payload) VALUES (?, ?, ?, 'tool_called', '{\"token_count\": 3}')")) {
            source.setAutoCommit(false);
            for (long transaction = 0; writing.get(); transaction++) {
                String sessionId = name + "-s" + (transaction / 10);
                if (transaction % 10 == 0) {
                    session.setString(1, sessionId);
                    session.setString(2, name);
                    session.executeUpdate();
                }
                for (int i = 0; i < perTransaction; i++) {
                    insert.setString(1, name + "-" + transaction + "-" + i);
                    insert.setString(2, name);
                    insert.setString(3, sessionId);
                    insert.executeUpdate();
                }
                source.commit();
                events.addAndGet(perTransaction);
                Thread.sleep(pauseMillis);
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }
}
