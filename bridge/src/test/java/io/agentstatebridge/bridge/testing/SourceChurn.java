package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.projections.testing.RandomChanges;
import io.agentstatebridge.projections.testing.RecordingSource;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A background writer committing random source transactions of every change kind until stopped,
 * for tests that disturb the bridge while the source keeps changing.
 */
public final class SourceChurn implements AutoCloseable {
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final Thread writer;
    private Duration pause;
    private boolean reconnecting;

    /**
     * @param truncatePerMille how often a change is a TRUNCATE, per thousand changes
     * @param maxTransaction   most changes per source transaction
     */
    public SourceChurn(BridgeDatabases databases, long seed, int truncatePerMille, int maxTransaction) {
        writer = new Thread(() -> write(databases, new Random(seed), truncatePerMille, maxTransaction), "source-churn");
    }

    /** Waits this long after each transaction (instead of 0-2 ms): a lighter, steadier load. */
    public SourceChurn pausing(Duration pause) {
        this.pause = pause;
        return this;
    }

    /**
     * Rides out the source going away (a restart): when the connection is lost, reconnects and
     * carries on. A transaction cut off may or may not have committed; the writer never reuses a
     * key either way, so the source stays consistent and the bridge must follow whichever it was.
     */
    public SourceChurn reconnecting() {
        this.reconnecting = true;
        return this;
    }

    public SourceChurn start() {
        writer.start();
        return this;
    }

    /** Source transactions committed so far. */
    public long commits() {
        return commits.get();
    }

    /** How often the writer lost its connection and opened a new one. */
    public int reconnects() {
        return reconnects.get();
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

    /** Stops writing and waits for the writer; an interrupted wait leaves the interrupt flag set. */
    @Override
    public void close() {
        writing.set(false);
        try {
            if (writer.isAlive()) {
                writer.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(BridgeDatabases databases, Random random, int truncatePerMille, int maxTransaction) {
        try (ReplaceableConnection source = new ReplaceableConnection(databases)) {
            RecordingSource recording = new RecordingSource(source.connection());
            RandomChanges changes = new RandomChanges(recording, random, truncatePerMille);
            while (writing.get()) {
                try {
                    for (int i = 0, size = 1 + random.nextInt(maxTransaction); i < size; i++) {
                        changes.next();
                    }
                    source.connection().commit();
                    commits.incrementAndGet();
                } catch (SQLException e) {
                    if (!reconnecting || !isConnectionLoss(e)) {
                        throw e;
                    }
                    source.reopen(writing);
                    reconnects.incrementAndGet();
                }
                recording.drain(); // only the source's state matters here
                Thread.sleep(pause == null ? random.nextInt(3) : pause.toMillis());
            }
            if (!source.connection().isClosed()) { // closed: stopped while the source was away
                source.connection().commit();
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return state.startsWith("08") || state.startsWith("57P");
    }

    /**
     * One connection to the source whose underlying session can be replaced, so that the
     * {@link RecordingSource} and {@link RandomChanges} built on it (and their key counters) survive
     * a reconnect.
     */
    private static final class ReplaceableConnection implements InvocationHandler, AutoCloseable {
        private final BridgeDatabases databases;
        private final Connection proxy;
        private Connection current;

        ReplaceableConnection(BridgeDatabases databases) throws SQLException {
            this.databases = databases;
            this.current = open();
            this.proxy = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, this);
        }

        Connection connection() {
            return proxy;
        }

        /** Replaces the session, trying every 250 ms until the source answers or writing stops. */
        void reopen(AtomicBoolean writing) throws InterruptedException {
            close();
            while (writing.get()) {
                try {
                    current = open();
                    return;
                } catch (SQLException e) {
                    Thread.sleep(250);
                }
            }
        }

        private Connection open() throws SQLException {
            Connection connection = databases.openSource();
            connection.setAutoCommit(false);
            return connection;
        }

        @Override
        public Object invoke(Object self, Method method, Object[] arguments) throws Throwable {
            try {
                return method.invoke(current, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @Override
        public void close() {
            try {
                current.close();
            } catch (SQLException ignored) {
                // the session is gone already
            }
        }
    }
}
