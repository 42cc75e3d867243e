package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.loadgen.LoadGenerator;
import io.agentstatebridge.tools.measure.Percentiles;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;

/**
 * Measurement 3: the bridge streaming while a simulated fleet (the load generator: 1,000 agents,
 * four paced writer connections, realistic sessions and payloads) writes at fixed rates, one after
 * the other; visibility lag percentiles per rate, and the rate actually achieved. Between rates the
 * bridge drains, so one rate's backlog does not count against the next.
 */
final class SteadyLagMeasurement {
    static final String NAME = "steady lag";
    private static final int AGENTS = 1_000;
    private static final int WRITERS = 4;

    private final BenchEnvironment environment;
    private final BenchSettings settings;
    private final PrintWriter out;

    SteadyLagMeasurement(BenchEnvironment environment, BenchSettings settings, PrintWriter out) {
        this.environment = environment;
        this.settings = settings;
        this.out = out;
    }

    void run(BenchResults results) throws SQLException, InterruptedException {
        out.printf("%n[%s] rates %s events/s for %d s each%n", NAME, settings.steadyRates(), settings.steadyPhase().toSeconds());
        BenchDatabases databases = environment.fresh("steady");
        try (Bridge bridge = BridgeRunner.startStreaming(databases, Duration.ofSeconds(60));
             Connection target = databases.openTarget()) {
            List<Integer> rates = settings.steadyRates();
            for (int i = 0; i < rates.size(); i++) {
                runRate(rates.get(i), bridge, databases, target, results, i < rates.size() - 1);
            }
        } finally {
            environment.release(databases);
        }
    }

    private void runRate(int rate, Bridge bridge, BenchDatabases databases, Connection target, BenchResults results,
                         boolean drainAfter) throws SQLException, InterruptedException {
        String variant = String.format("%,d events/s", rate);
        out.printf("    writing %s for %d s ...%n", variant, settings.steadyPhase().toSeconds());
        out.flush();
        long phaseNanos = settings.steadyPhase().toNanos();
        // Connection-pool start-up and the first commits are not steady state.
        long skipNanos = Math.min(1_000_000_000L, phaseNanos / 4);
        try (LoadGenerator fleet = new LoadGenerator(databases.source().jdbcUrl(), new LoadGenerator.LoadSettings(
                AGENTS, rate, settings.steadyPhase(), WRITERS, rate))) {
            Timestamp phaseStart = LagSampler.serverNow(target);
            long started = System.nanoTime();
            Thread writer = fleet.inBackground("bench-steady-fleet");
            writer.start();
            List<LagSampler.Sample> samples = LagSampler.sample(target, phaseStart, started, skipNanos, started + phaseNanos);
            writer.join(phaseNanos / 1_000_000 + 30_000);
            fleet.stop();
            if (fleet.failure() != null) {
                throw new IllegalStateException("the steady writers failed: " + fleet.failure().getMessage(), fleet.failure());
            }
            if (bridge.state() == BridgeState.FAILED) {
                throw new IllegalStateException("the bridge failed: " + bridge.failure().getMessage(), bridge.failure());
            }
            double achieved = fleet.eventsWritten() / ((System.nanoTime() - started) / 1e9);
            report(variant, rate, achieved, samples, results);
        }
        if (!drainAfter) {
            return;
        }
        long written = databases.sourceCount("SELECT count(*) FROM agent_events");
        BridgeRunner.awaitEvents(bridge, databases, written, 0, Duration.ofSeconds(120), "draining", out);
    }

    private void report(String variant, int rate, double achieved, List<LagSampler.Sample> samples, BenchResults results) {
        double phaseSeconds = settings.steadyPhase().toNanos() / 1e9;
        Percentiles all = new Percentiles(samples.stream().mapToDouble(LagSampler.Sample::lagMillis).toArray());
        Percentiles lastQuarter = new Percentiles(samples.stream().filter(s -> s.atSeconds() >= phaseSeconds * 0.75)
                .mapToDouble(LagSampler.Sample::lagMillis).toArray());
        Percentiles firstHalf = new Percentiles(samples.stream().filter(s -> s.atSeconds() < phaseSeconds * 0.5)
                .mapToDouble(LagSampler.Sample::lagMillis).toArray());
        String sampleNote = String.format("%,d samples", all.size());
        results.add(new BenchFigure(NAME, variant, "achieved write rate", achieved, "events/s written",
                achieved < rate * 0.95 ? String.format("writers reached only %.0f%% of the rate on this box", 100 * achieved / rate) : ""));
        results.add(new BenchFigure(NAME, variant, "p50 lag", all.at(50), "ms", sampleNote));
        results.add(new BenchFigure(NAME, variant, "p99 lag", all.at(99), "ms", sampleNote));
        results.add(new BenchFigure(NAME, variant, "max lag", all.max(), "ms", sampleNote));
        results.add(new BenchFigure(NAME, variant, "p50 lag, last quarter", lastQuarter.at(50), "ms",
                String.format("first half p50 %.1f ms: %s", firstHalf.at(50),
                        lastQuarter.at(50) > 2 * firstHalf.at(50) + 100 ? "GROWING" : "bounded")));
    }
}
