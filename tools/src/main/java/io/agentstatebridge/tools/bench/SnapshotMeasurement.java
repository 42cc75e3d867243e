package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.engine.Bridge;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Measurement 2: the events already on the source when a bridge first starts, with a fresh slot
 * and an empty read side; events/s from start() until the read side holds them all. Leaves the
 * databases loaded for the read measurement, which the caller runs next and then releases.
 */
final class SnapshotMeasurement {
    static final String NAME = "snapshot";
    /** Preloading is not timed, so it uses big transactions and two connections. */
    private static final int PRELOAD_TRANSACTION = 10_000;

    private final BenchSettings settings;
    private final PrintWriter out;

    SnapshotMeasurement(BenchSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    void run(BenchDatabases databases, BenchResults results) throws SQLException, InterruptedException {
        out.printf("%n[%s] %,d pre-existing events, fresh slot and read side%n", NAME, settings.events());
        new EventWriter(databases.source(), 2, PRELOAD_TRANSACTION)
                .write(0, settings.events(), Long.MAX_VALUE, "preload", out);
        long events = databases.sourceCount("SELECT count(*) FROM agent_events");
        long sessions = databases.sourceCount("SELECT count(*) FROM agent_sessions");
        try (Bridge bridge = new Bridge(databases.bridgeSettings())) {
            long started = System.nanoTime();
            bridge.start();
            long done = BridgeRunner.awaitEvents(bridge, databases, events, events + sessions,
                    Duration.ofSeconds(60 + events / 2_500), "snapshot", out);
            double seconds = ((done < 0 ? System.nanoTime() : done) - started) / 1e9;
            results.add(new BenchFigure(NAME, "initial snapshot", "bridge", done < 0 ? Double.NaN : events / seconds,
                    BenchFigure.EVENTS_PER_SECOND, String.format("%,d events and %,d sessions in %.1f s from start()%s",
                            events, sessions, seconds, done < 0 ? " (timed out)" : "")));
        }
    }
}
