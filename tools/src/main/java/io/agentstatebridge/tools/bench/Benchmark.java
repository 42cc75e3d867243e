package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the chosen measurements in each chosen layout, one after the other (never concurrently, so
 * they do not share the cores), then prints the table and writes bench.csv and bench.svg. The
 * bridge under test always runs as its own process from the production jar. A measurement that
 * fails is reported as such and the others still run.
 */
public final class Benchmark {
    private final BenchSettings settings;
    private final PrintWriter out;

    public Benchmark(BenchSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /** A step of the run; failures of one step are recorded and the run goes on. */
    private interface Step {
        void run() throws Exception;
    }

    /** Runs everything; returns the figures, also written to the output directory. */
    public List<BenchFigure> run() throws IOException, SQLException {
        long started = System.nanoTime();
        BridgeJar jar = BridgeJar.locate(settings.bridgeJar());
        String machine = Machine.describe(jar.path());
        BenchResults results = new BenchResults(out);
        List<String> servers = new ArrayList<>();
        String load;
        try (Machine watch = new Machine()) {
            out.println(machine);
            out.printf("load average (1 min) before the bench starts its servers: %.2f%n", Machine.loadAverage());
            out.printf("bridge under test: %s, started as its own process for each run%n", jar.path());
            BridgeRuns bridges = new BridgeRuns(jar, settings.output().resolve("logs"), out);
            if (settings.embedded()) {
                try (BenchServers embedded = BenchServers.start(out)) {
                    servers.add(embedded.describe());
                    out.println(servers.get(0));
                    for (Layout layout : settings.layouts()) {
                        measure(BenchEnvironment.embedded(layout, embedded), bridges, results);
                    }
                }
            } else {
                servers.add("source: " + BenchServers.describe(settings.source()) + "; target: "
                        + BenchServers.describe(settings.target()));
                out.println(servers.get(0));
                measure(BenchEnvironment.given(settings.source(), settings.target(), out), bridges, results);
            }
            load = watch.describeLoad();
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        out.printf("%nbenchmark finished in %.1f min; %s%n%s%n%s%n%n", minutes, load, machine, String.join("\n", servers));
        List<BenchFigure> figures = results.figures();
        ResultsTable.print(figures, out);
        Files.createDirectories(settings.output());
        Path csv = settings.output().resolve("bench.csv");
        Path svg = settings.output().resolve("bench.svg");
        CsvWriter.write(figures, csv);
        SvgChart.write(figures, machine + String.format("; run took %.0f min; ", minutes) + load, svg);
        out.printf("%nwrote %s and %s%n", csv, svg);
        out.flush();
        return figures;
    }

    private void measure(BenchEnvironment environment, BridgeRuns bridges, BenchResults results) {
        Layout layout = environment.layout();
        boolean first = layout == settings.layouts().get(0);
        if (settings.measures(Measurement.CATCH_UP)) {
            CatchUpMeasurement catchUp = new CatchUpMeasurement(environment, settings, bridges, out);
            List<JvmOptions> variants = settings.dockerfileOptions() && environment.embedded() && first
                    ? List.of(JvmOptions.README, JvmOptions.DOCKERFILE) : List.of(JvmOptions.README);
            step(results, layout, CatchUpMeasurement.NAME, () -> catchUp.run(100, variants, settings.profile(), results));
            step(results, layout, CatchUpMeasurement.NAME, () -> catchUp.run(1, List.of(JvmOptions.README), settings.profile(), results));
        }
        if (settings.measures(Measurement.SNAPSHOT)) {
            step(results, layout, SnapshotMeasurement.NAME, () -> {
                BenchDatabases databases = environment.fresh("snapshot");
                try {
                    new SnapshotMeasurement(environment, settings, bridges, out).run(databases, results);
                    if (first) {
                        new ReadLatencyMeasurement(settings, out).run(databases, results);
                    }
                } finally {
                    environment.release(databases);
                }
            });
        }
        if (settings.measures(Measurement.LAG)) {
            step(results, layout, SteadyLagMeasurement.NAME,
                    () -> new SteadyLagMeasurement(environment, settings, bridges, out).run(results));
        }
        if (settings.measures(Measurement.WRITERS)) {
            WriterCostMeasurement writers = new WriterCostMeasurement(environment, settings, bridges, out);
            step(results, layout, WriterCostMeasurement.NAME, () -> writers.run(1, first, results));
            step(results, layout, WriterCostMeasurement.NAME, () -> writers.run(100, first, results));
        }
    }

    private void step(BenchResults results, Layout layout, String name, Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted during " + name, e);
        } catch (Exception e) {
            out.printf("  !! %s failed: %s%n", name, e);
            e.printStackTrace(out);
            results.add(new BenchFigure(layout, name, "failed", "error", Double.NaN, "", null, String.valueOf(e.getMessage())));
        }
    }
}
