package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.projections.apply.SqlResource;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Measurement 4: what each way of maintaining the projections costs the writers. Eight
 * connections write unpaced for a fixed time, with no consumer, with the bridge streaming, and
 * with row triggers maintaining the projections inside the source (bench/sync_triggers.sql);
 * throughput is reported as a share of the no-consumer run. Each run starts on fresh databases.
 */
final class WriterCostMeasurement {
    static final String NAME = "writer cost";

    enum Consumer {
        NONE("no consumer"), BRIDGE("bridge streaming"), TRIGGERS("sync triggers");

        final String label;

        Consumer(String label) {
            this.label = label;
        }
    }

    private final BenchEnvironment environment;
    private final BenchSettings settings;
    private final PrintWriter out;

    WriterCostMeasurement(BenchEnvironment environment, BenchSettings settings, PrintWriter out) {
        this.environment = environment;
        this.settings = settings;
        this.out = out;
    }

    void run(int eventsPerTransaction, BenchResults results) throws SQLException, InterruptedException {
        String variant = eventsPerTransaction == 1 ? "1-event tx" : eventsPerTransaction + "-event tx";
        out.printf("%n[%s, %s] %d connections writing for %d s each%n", NAME, variant, BenchSettings.WRITER_CONNECTIONS,
                settings.writerPhase().toSeconds());
        double baseline = Double.NaN;
        for (Consumer consumer : Consumer.values()) {
            double rate = measure(consumer, eventsPerTransaction, results, variant);
            if (consumer == Consumer.NONE) {
                baseline = rate;
            }
            results.add(new BenchFigure(NAME, variant, consumer.label, 100 * rate / baseline, BenchFigure.SHARE,
                    String.format("%,.0f events/s", rate)));
        }
    }

    private double measure(Consumer consumer, int eventsPerTransaction, BenchResults results, String variant)
            throws SQLException, InterruptedException {
        BenchDatabases databases = environment.fresh("writers_" + eventsPerTransaction + "_" + consumer.name().toLowerCase());
        Bridge bridge = null;
        try {
            if (consumer == Consumer.BRIDGE) {
                bridge = BridgeRunner.startStreaming(databases, Duration.ofSeconds(60));
            } else if (consumer == Consumer.TRIGGERS) {
                try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
                    statement.execute(SqlResource.load("bench/sync_triggers.sql"));
                }
            }
            out.printf("    %s ...%n", consumer.label);
            out.flush();
            EventWriter.Written written = new EventWriter(databases.source(), BenchSettings.WRITER_CONNECTIONS,
                    eventsPerTransaction).write(0, Long.MAX_VALUE / 2, System.nanoTime() + settings.writerPhase().toNanos(),
                    consumer.label, out);
            if (consumer == Consumer.BRIDGE) {
                long applied = databases.targetCount("SELECT count(*) FROM agent_events");
                results.add(new BenchFigure(NAME, variant, "bridge applied by the end of the window",
                        100.0 * applied / written.events(), "% of written"));
            }
            return written.eventsPerSecond();
        } finally {
            if (bridge != null) {
                bridge.close();
            }
            environment.release(databases);
        }
    }
}
