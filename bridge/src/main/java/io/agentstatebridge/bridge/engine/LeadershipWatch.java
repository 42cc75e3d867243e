package io.agentstatebridge.bridge.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * While this bridge streams, checks every second that it still holds the {@link LeaderLock}, on
 * one daemon thread. The lock lives in a session on the read side, so a read-side restart or a
 * broken connection ends the session and releases the lock, and a standby may take it.
 *
 * <p>What happens then, decided here:
 * <ul>
 * <li>While the read side cannot be reached, nothing changes: batches are paused and retried
 *     anyway (see {@code BatchHandler}), and this bridge keeps the replication slot, so no other
 *     instance can stream meanwhile.</li>
 * <li>Once it can be reached, the watch takes the lock again. Usually nobody else got it and this
 *     bridge simply carries on. After a network partition the read side may still keep this
 *     bridge's old session, and the lock with it; {@link LeaderLock} ends that session first.</li>
 * <li>If another instance took it first, this bridge steps down: it stops streaming, which frees
 *     the slot for the new lock holder, and ends FAILED with that reason, so that its supervisor
 *     restarts it (it then stands by). Staying active instead would leave the lock holder waiting
 *     for the slot until it gives up, and operators with a status that names the wrong instance.</li>
 * </ul>
 * Correctness never rests on the lock (one process per slot; batches carry their position and
 * re-applying one changes nothing), so a brief overlap while stepping down is harmless.
 */
final class LeadershipWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeadershipWatch.class);
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final LeaderLock lock;
    private final Runnable stepDown;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "leadership-watch");
        thread.setDaemon(true);
        return thread;
    });
    private boolean lost;

    /** {@code stepDown} runs once, on the watch's thread, when another instance holds the lock. */
    LeadershipWatch(LeaderLock lock, Runnable stepDown) {
        this.lock = lock;
        this.stepDown = stepDown;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::check, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        boolean held;
        try {
            held = lock.tryAcquire();
        } catch (SQLException e) {
            if (!lost) {
                lost = true;
                LOG.warn("lost the leader lock's session on the read side ({}); keeping the replication slot and "
                        + "taking the lock again once the read side is back", e.getMessage());
            }
            return;
        } catch (RuntimeException e) {
            LOG.warn("could not check the leader lock: {}", e.getMessage());
            return;
        }
        if (held) {
            if (lost) {
                lost = false;
                LOG.info("leader lock taken again after the read side came back; this instance stays active");
            }
            return;
        }
        timer.shutdown();
        stepDown.run();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
