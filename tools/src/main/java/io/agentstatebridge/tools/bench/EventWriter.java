package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.apply.SqlResource;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Writes the benchmark's events from a number of connections in parallel, each transaction one
 * statement whose rows the server generates (bench/generate_events.sql: 1,000 agents taking turns,
 * sessions of 50 events), so the client costs next to nothing. Event numbers come from a counter
 * shared by every writer of a measurement, so no two transactions write the same event.
 *
 * <p>Unpaced ({@link #write}): each connection commits transactions of a fixed size as fast as the
 * source takes them, until a number of events or a deadline, and waits while a hold says so.
 * Paced ({@link #paced}): each connection commits what is due at its share of a rate, every
 * millisecond or so (at 1,000 events/s on 4 connections that is one event per transaction, at
 * 20,000 about ten), as a fleet of agents would.
 */
final class EventWriter {
    private static final String SQL = SqlResource.load("bench/generate_events.sql");
    /** Largest transaction of a paced writer that has fallen behind its schedule. */
    private static final int MAX_DUE = 200;

    private final DatabaseUrl source;
    private final int connections;
    private final boolean synchronousCommit;
    private final AtomicLong numbers;
    private final AtomicLong written = new AtomicLong();
    /** Each writer thread's statement on its own connection. */
    private final ThreadLocal<PreparedStatement> insert = new ThreadLocal<>();

    /**
     * {@code synchronousCommit} false writes the same WAL without waiting for each commit's flush:
     * for backlogs and preloads, whose writing is not what is measured.
     */
    EventWriter(DatabaseUrl source, int connections, boolean synchronousCommit, AtomicLong numbers) {
        this.source = source;
        this.connections = connections;
        this.synchronousCommit = synchronousCommit;
        this.numbers = numbers;
    }

    /** What was written and how long it took. */
    record Written(long events, long nanos) {
        double eventsPerSecond() {
            return events / (nanos / 1e9);
        }
    }

    long written() {
        return written.get();
    }

    /**
     * Writes {@code count} events of untimed history (or the snapshot's source) in transactions of
     * 10,000 on two connections, without waiting for each commit's flush.
     */
    static void preload(DatabaseUrl source, long count, AtomicLong numbers, String label, PrintWriter out)
            throws InterruptedException, SQLException {
        new EventWriter(source, 2, false, numbers).write(10_000, count, Long.MAX_VALUE, () -> false, label, out);
    }

    /**
     * Writes up to {@code count} events in transactions of {@code eventsPerTransaction}, unpaced,
     * stopping early at {@code deadlineNanos} (a System.nanoTime() value); while {@code hold} is
     * true no new transaction starts. Prints progress every 5 s.
     */
    Written write(int eventsPerTransaction, long count, long deadlineNanos, BooleanSupplier hold, String label, PrintWriter out)
            throws InterruptedException, SQLException {
        long limit = numbers.get() + count;
        return run(label, out, () -> {
            while (System.nanoTime() < deadlineNanos) {
                if (hold.getAsBoolean()) {
                    Thread.sleep(2);
                    continue;
                }
                long from = numbers.getAndAdd(eventsPerTransaction);
                if (from >= limit) {
                    break;
                }
                long to = Math.min(limit, from + eventsPerTransaction) - 1;
                insertStep(from, to);
            }
        });
    }

    /** Writers at {@code eventsPerSecond}, all connections together, started on a thread of their own. */
    Paced paced(double eventsPerSecond, String label, PrintWriter out) {
        Paced paced = new Paced(eventsPerSecond, label, out);
        paced.thread.start();
        return paced;
    }

    /** Paced writers running in the background until {@link #stop()}. */
    final class Paced {
        private final Thread thread;
        private final long startedNanos = System.nanoTime();
        private volatile boolean stopping;
        private volatile Written result;
        private volatile Exception failure;

        private Paced(double eventsPerSecond, String label, PrintWriter out) {
            double perConnection = eventsPerSecond / connections;
            thread = new Thread(() -> {
                try {
                    result = run(label, out, () -> {
                        long done = 0;
                        while (!stopping) {
                            long due = (long) ((System.nanoTime() - startedNanos) / 1e9 * perConnection) - done;
                            if (due <= 0) {
                                Thread.sleep(1);
                                continue;
                            }
                            long count = Math.min(due, MAX_DUE);
                            long from = numbers.getAndAdd(count);
                            insertStep(from, from + count - 1);
                            done += count;
                        }
                    });
                } catch (Exception e) {
                    failure = e;
                }
            }, "bench-paced-writers");
        }

        /** Events written so far. */
        long written() {
            return written.get();
        }

        /** Stops the writers after their current transaction; what they wrote, or why they failed. */
        Written stop() throws InterruptedException, SQLException {
            stopping = true;
            thread.join();
            if (failure instanceof SQLException sql) {
                throw sql;
            }
            if (failure != null) {
                throw new IllegalStateException("the paced writers failed: " + failure.getMessage(), failure);
            }
            return result;
        }
    }

    /** One connection's work; it writes with {@link #insertStep}. */
    private interface Lane {
        void run() throws SQLException, InterruptedException;
    }

    private void insertStep(long from, long to) throws SQLException {
        PreparedStatement statement = insert.get();
        statement.setLong(1, from);
        statement.setLong(2, to);
        statement.executeUpdate();
        written.addAndGet(to - from + 1);
    }

    private Written run(String label, PrintWriter out, Lane lane) throws InterruptedException, SQLException {
        ExecutorService pool = Executors.newFixedThreadPool(connections, r -> new Thread(r, "bench-writer"));
        long started = System.nanoTime();
        long before = written.get();
        try {
            List<Future<Void>> workers = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                workers.add(pool.submit(() -> {
                    try (Connection connection = DriverManager.getConnection(source.jdbcUrl());
                         PreparedStatement statement = connection.prepareStatement(SQL)) {
                        if (!synchronousCommit) {
                            try (Statement set = connection.createStatement()) {
                                set.execute("SET synchronous_commit = off");
                            }
                        }
                        insert.set(statement);
                        lane.run();
                    } finally {
                        insert.remove();
                    }
                    return null;
                }));
            }
            pool.shutdown();
            long lastReport = started;
            while (!pool.awaitTermination(200, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - lastReport > 10_000_000_000L) {
                    lastReport = System.nanoTime();
                    out.printf("    %s: %,d events written (%.0f s)%n", label, written.get() - before, (lastReport - started) / 1e9);
                    out.flush();
                }
            }
            for (Future<Void> worker : workers) {
                worker.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException("writing benchmark events failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Written(written.get() - before, System.nanoTime() - started);
    }
}
