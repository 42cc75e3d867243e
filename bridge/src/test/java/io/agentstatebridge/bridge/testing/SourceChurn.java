package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.projections.testing.RandomChanges;
import io.agentstatebridge.projections.testing.RecordingSource;

import java.sql.Connection;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A background writer committing random source transactions of every change kind until stopped,
 * for tests that disturb the bridge while the source keeps changing.
 */
public final class SourceChurn implements AutoCloseable {
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread writer;

    /**
     * @param truncatePerMille how often a change is a TRUNCATE, per thousand changes
     * @param maxTransaction   most changes per source transaction
     */
    public SourceChurn(BridgeDatabases databases, long seed, int truncatePerMille, int maxTransaction) {
        writer = new Thread(() -> write(databases, new Random(seed), truncatePerMille, maxTransaction), "source-churn");
    }

    public SourceChurn start() {
        writer.start();
        return this;
    }

    /** Stops writing, commits what is in flight, and fails if the writer failed. */
    public void stop() throws InterruptedException {
        writing.set(false);
        if (writer.isAlive()) {
            writer.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("the source writer failed", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        writing.set(false);
        if (writer.isAlive()) {
            writer.join();
        }
    }

    private void write(BridgeDatabases databases, Random random, int truncatePerMille, int maxTransaction) {
        try (Connection source = databases.openSource()) {
            RecordingSource recording = new RecordingSource(source);
            RandomChanges changes = new RandomChanges(recording, random, truncatePerMille);
            source.setAutoCommit(false);
            while (writing.get()) {
                for (int i = 0, size = 1 + random.nextInt(maxTransaction); i < size; i++) {
                    changes.next();
                }
                source.commit();
                recording.drain(); // only the source's state matters here
                Thread.sleep(random.nextInt(3));
            }
            source.commit();
        } catch (Throwable e) {
            failure.set(e);
        }
    }
}
