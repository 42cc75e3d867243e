package io.agentstatebridge.bridge.engine;

import io.debezium.engine.DebeziumEngine;

import java.io.IOException;
import java.time.Duration;

/**
 * Closes a Debezium engine from any thread. The engine refuses to close while its connector's
 * tasks are still starting ("Cannot stop engine while tasks are starting"), which a stop request
 * right after start-up meets; the close is then tried again until the tasks are up.
 */
final class EngineStopper {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration PAUSE = Duration.ofMillis(50);

    private EngineStopper() {
    }

    static void close(DebeziumEngine<?> engine) throws IOException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try {
                engine.close();
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline || e.getMessage() == null || !e.getMessage().contains("starting")) {
                    throw e;
                }
                try {
                    Thread.sleep(PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
