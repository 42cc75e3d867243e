package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.lifecycle.Lifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A standby's wait, on its own daemon thread: while the bridge is in STANDBY, tries the leader lock
 * once a second, and when it wins, moves to STARTING and takes over on this thread. A read side
 * out of reach is only logged (the next poll tries again); stopping the bridge ends the wait.
 */
final class Standby {
    private static final Logger LOG = LoggerFactory.getLogger(Standby.class);
    private static final Duration POLL = Duration.ofSeconds(1);

    private Standby() {
    }

    /**
     * @param takeOver runs once the lock is won and the bridge is STARTING
     * @param failed   gets what ended the wait or the takeover, other than a stop
     */
    static void start(LeaderLock lock, Lifecycle lifecycle, Runnable takeOver, Consumer<RuntimeException> failed) {
        Thread standby = new Thread(() -> {
            try {
                while (lifecycle.current() == BridgeState.STANDBY) {
                    Thread.sleep(POLL.toMillis());
                    boolean acquired;
                    try {
                        acquired = lock.tryAcquire();
                    } catch (SQLException e) {
                        LOG.warn("standby cannot reach the target to check the active instance: {}", e.getMessage());
                        continue;
                    }
                    if (acquired && lifecycle.moveTo(state -> state == BridgeState.STANDBY, BridgeState.STARTING,
                            "taking over: the active instance is gone")) {
                        takeOver.run();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        }, "bridge-standby");
        standby.setDaemon(true);
        standby.start();
    }
}
