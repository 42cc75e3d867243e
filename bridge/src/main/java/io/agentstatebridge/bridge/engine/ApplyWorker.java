package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.projections.change.RowChange;
import io.agentstatebridge.projections.change.SourcePosition;

import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies batches on a thread of its own, one at a time and in the order handed over, so that the
 * engine's thread converts the next batch while the read side commits this one: the read side's
 * work and the bridge's overlap instead of taking turns. A batch is handed over only when the
 * previous one is done, so at most two are in memory (one applied, one gathered); the engine's
 * thread waits meanwhile, and the connector's queue fills up.
 *
 * <p>A batch that fails for good ends the worker: the failure is rethrown to the engine's thread
 * at its next hand-over or check, and nothing after it is applied.
 */
final class ApplyWorker implements AutoCloseable {
    /** Applies one batch: the changes, and the position they reach. */
    @FunctionalInterface
    interface BatchApplier {
        void apply(List<RowChange> changes, SourcePosition position) throws InterruptedException;
    }

    private record Batch(List<RowChange> changes, SourcePosition position) {
    }

    private static final Batch STOP = new Batch(List.of(), null);

    private final BlockingQueue<Batch> queue = new SynchronousQueue<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Object idle = new Object();
    private final Thread thread;
    private int inFlight; // guarded by idle: handed over and not yet applied

    ApplyWorker(BatchApplier applier) {
        thread = new Thread(() -> run(applier), "bridge-apply");
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands a batch over; blocks while the previous one is being applied. */
    void submit(List<RowChange> changes, SourcePosition position) throws InterruptedException {
        rethrowFailure();
        synchronized (idle) {
            inFlight++;
        }
        Batch batch = new Batch(changes, position);
        while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
            rethrowFailure(); // the worker stopped: nothing will take the batch
        }
    }

    /** Waits until every batch handed over is applied; rethrows a failure. */
    void awaitIdle() throws InterruptedException {
        synchronized (idle) {
            while (inFlight > 0 && failure.get() == null) {
                idle.wait(100);
            }
        }
        rethrowFailure();
    }

    /** Rethrows on the caller's thread why the worker stopped, if it did. */
    void rethrowFailure() {
        RuntimeException failed = failure.get();
        if (failed != null) {
            throw failed;
        }
    }

    /** Lets the batches handed over finish (within {@code timeoutMillis}), then ends the thread. */
    void finish(long timeoutMillis) throws InterruptedException {
        queue.offer(STOP, timeoutMillis, TimeUnit.MILLISECONDS);
        thread.join(timeoutMillis);
    }

    @Override
    public void close() {
        thread.interrupt();
    }

    private void run(BatchApplier applier) {
        try {
            while (true) {
                Batch batch = queue.take();
                if (batch == STOP) {
                    return;
                }
                applier.apply(batch.changes(), batch.position());
                synchronized (idle) {
                    inFlight--;
                    idle.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.set(e);
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }
}
