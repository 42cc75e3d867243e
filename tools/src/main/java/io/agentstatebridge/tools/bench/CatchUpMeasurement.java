package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.engine.Bridge;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Measurements 1 and 6: a backlog written while the bridge is stopped, then the bridge started
 * and timed until the read side holds every event, verified against the definitions. The same
 * backlog is drained first by PostgreSQL's own decoder through a second slot, created before the
 * backlog was written (run before the bridge, so the two do not share the two cores). Heap and
 * RSS are sampled through the catch-up.
 */
final class CatchUpMeasurement {
    static final String NAME = "catch-up";

    private final BenchEnvironment environment;
    private final BenchSettings settings;
    private final PrintWriter out;

    CatchUpMeasurement(BenchEnvironment environment, BenchSettings settings, PrintWriter out) {
        this.environment = environment;
        this.settings = settings;
        this.out = out;
    }

    void run(int eventsPerTransaction, BenchResults results) throws SQLException, InterruptedException {
        String variant = eventsPerTransaction == 1 ? "1-event tx" : eventsPerTransaction + "-event tx";
        out.printf("%n[%s, %s] backlog of %,d events in %s, %d writer connections%n", NAME, variant, settings.events(),
                variant.replace("tx", "transactions"), BenchSettings.WRITER_CONNECTIONS);
        BenchDatabases databases = environment.fresh("catchup_" + eventsPerTransaction);
        try {
            // The bridge runs once on the empty source, so its slot exists before the backlog.
            BridgeRunner.startStreaming(databases, Duration.ofSeconds(60)).close();
            try (Connection source = databases.openSource()) {
                RawDecoder.createSlot(source);
            }
            long writeBound = Math.max(60, settings.events() / 3_000);
            EventWriter.Written backlog = new EventWriter(databases.source(), BenchSettings.WRITER_CONNECTIONS,
                    eventsPerTransaction).write(0, settings.events(), System.nanoTime() + writeBound * 1_000_000_000L,
                    "backlog", out);
            long events = databases.sourceCount("SELECT count(*) FROM agent_events");
            long sessions = databases.sourceCount("SELECT count(*) FROM agent_sessions");
            results.add(new BenchFigure(NAME, variant, "backlog write rate", backlog.eventsPerSecond(), "events/s written",
                    String.format("%,d events, %d connections%s", events, BenchSettings.WRITER_CONNECTIONS,
                            events < settings.events() ? ", stopped at the " + writeBound + " s bound" : "")));

            out.println("    PostgreSQL's decoder draining the same backlog ...");
            RawDecoder.Decoded decoded;
            try (Connection source = databases.openSource()) {
                decoded = RawDecoder.drain(source);
                RawDecoder.dropSlot(source);
            }
            double decoderRate = events / (decoded.nanos() / 1e9);
            results.add(new BenchFigure(NAME, variant, "PostgreSQL decoder", decoderRate, BenchFigure.EVENTS_PER_SECOND,
                    String.format("pg_logical_slot_get_binary_changes, pgoutput; %,d messages in %.1f s",
                            decoded.messages(), decoded.nanos() / 1e9)));

            out.println("    bridge catching up ...");
            Duration bound = Duration.ofSeconds(60 + events / 2_500);
            try (MemorySampler memory = new MemorySampler(); Bridge bridge = new Bridge(databases.bridgeSettings())) {
                long started = System.nanoTime();
                bridge.start();
                long caughtUp = BridgeRunner.awaitEvents(bridge, databases, events, events + sessions, bound, "catch-up", out);
                double seconds = ((caughtUp < 0 ? System.nanoTime() : caughtUp) - started) / 1e9;
                double rate = caughtUp < 0 ? Double.NaN : events / seconds;
                double applyShare = 100.0 * bridge.stats().applyNanos() / 1e9 / seconds;
                memory.close();
                BridgeRunner.Verdict verdict = caughtUp < 0 ? new BridgeRunner.Verdict(false, "not caught up")
                        : BridgeRunner.verify(databases, Duration.ofSeconds(300));
                if (!verdict.equal()) {
                    out.println(verdict.report());
                }
                results.add(new BenchFigure(NAME, variant, "bridge", rate, BenchFigure.EVENTS_PER_SECOND,
                        String.format("%.1f s from start()%s; %s", seconds, caughtUp < 0 ? " (timed out)" : "",
                                verdict.equal() ? "verified equal" : "verification: DIFFERS")));
                results.add(new BenchFigure(NAME, variant, "verified equal", verdict.equal() ? 1 : 0, "1 = yes"));
                results.add(new BenchFigure(NAME, variant, "bridge / decoder", rate / decoderRate, "ratio"));
                results.add(new BenchFigure(NAME, variant, "time in read-side apply", applyShare, "% of catch-up",
                        String.format("%,d batches", bridge.stats().batchesApplied())));
                results.add(new BenchFigure("memory", variant, "max heap used", memory.maxHeapBytes() / 1048576.0, "MB",
                        String.format("through the catch-up; heap limit %,d MB", MemorySampler.heapLimitBytes() / 1048576)));
                results.add(new BenchFigure("memory", variant, "max RSS", memory.maxRssBytes() < 0 ? Double.NaN
                        : memory.maxRssBytes() / 1048576.0, "MB", "VmRSS of the JVM running bridge and bench"));
            }
        } finally {
            environment.release(databases);
        }
    }
}
