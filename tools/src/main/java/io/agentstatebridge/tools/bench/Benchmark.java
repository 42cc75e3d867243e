package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the chosen measurements, one after the other (never concurrently, so they do not share the
 * cores), each in every chosen layout before the next; then prints the table and writes bench.csv
 * and bench.svg. The snapshot and the readers' lookups run in the first layout only: the snapshot
 * is a bulk copy, whose cost the layout barely moves. The bridge under test always runs as its own
 * process from the production jar. A measurement that fails is reported as such and the others
 * still run.
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
        // Interrupted (Ctrl-C), the bench must not leave a bridge process behind; the servers stop with their own hooks.
        Thread stopBridges = new Thread(() -> ProcessHandle.current().children().forEach(ProcessHandle::destroy), "bench-stop-bridges");
        Runtime.getRuntime().addShutdownHook(stopBridges);
        BridgeJar jar = BridgeJar.locate(settings.bridgeJar());
        String machine = Machine.describe(jar.path());
        BenchResults results = new BenchResults(out);
        List<String> servers = new ArrayList<>();
        String load;
        try (Machine watch = new Machine()) {
            out.println(machine);
            out.printf("load average (1 min) before the bench starts its servers: %.2f%n", Machine.loadAverage());
            out.printf("bridge under test: %s, started as its own process (with the java of this JVM) for each run%n", jar.shown());
            BridgeRuns bridges = new BridgeRuns(jar, settings.output().resolve("logs"), out);
            if (settings.embedded()) {
                try (BenchServers embedded = BenchServers.start(out)) {
                    servers.add(embedded.describe());
                    out.println(servers.get(0));
                    measure(BenchEnvironment.embedded(embedded), settings.layouts(), bridges, results);
                }
            } else {
                servers.add("source: " + BenchServers.describe(settings.source()) + "; target: "
                        + BenchServers.describe(settings.target()));
                out.println(servers.get(0));
                measure(BenchEnvironment.given(settings.source(), settings.target(), out), settings.layouts(), bridges, results);
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
        SvgChart.write(figures, List.of(machine, servers.get(0), String.format("run took %.0f min; %s", minutes, load)),
                settings.events(), svg);
        out.printf("%nwrote %s and %s%n", csv, svg);
        out.flush();
        try {
            Runtime.getRuntime().removeShutdownHook(stopBridges);
        } catch (IllegalStateException e) {
            // the JVM is shutting down already: the hook runs
        }
        return figures;
    }

    private void measure(BenchEnvironment environment, List<Layout> layouts, BridgeRuns bridges, BenchResults results) {
        Layout first = layouts.get(0);
        if (settings.measures(Measurement.CATCH_UP)) {
            CatchUpMeasurement catchUp = new CatchUpMeasurement(environment, settings, bridges, out);
            List<CatchUpMeasurement.Variant> plain = layouts.stream()
                    .map(layout -> new CatchUpMeasurement.Variant(layout, JvmOptions.LAUNCHER, settings.profile() && layout == first))
                    .toList();
            List<CatchUpMeasurement.Variant> withPlainJava = new ArrayList<>(plain);
            if (settings.plainJava() && environment.embedded()) {
                withPlainJava.add(new CatchUpMeasurement.Variant(first, JvmOptions.PLAIN_JAVA, false));
            }
            step(results, first, CatchUpMeasurement.NAME, () -> catchUp.run(100, withPlainJava, results));
            step(results, first, CatchUpMeasurement.NAME, () -> catchUp.run(1, plain, results));
        }
        if (settings.measures(Measurement.SNAPSHOT)) {
            step(results, first, SnapshotMeasurement.NAME, () -> {
                BenchDatabases databases = environment.fresh(first, "snapshot");
                try {
                    new SnapshotMeasurement(environment, first, settings, bridges, out).run(databases, results);
                    new ReadLatencyMeasurement(settings, out).run(databases, results);
                } finally {
                    environment.release(databases);
                }
            });
        }
        for (Layout layout : settings.measures(Measurement.LAG) ? layouts : List.<Layout>of()) {
            step(results, layout, SteadyLagMeasurement.NAME,
                    () -> new SteadyLagMeasurement(environment, layout, settings, bridges, out).run(results));
        }
        for (Layout layout : settings.measures(Measurement.WRITERS) ? layouts : List.<Layout>of()) {
            WriterCostMeasurement writers = new WriterCostMeasurement(environment, layout, settings, bridges, out);
            step(results, layout, WriterCostMeasurement.NAME, () -> writers.run(1, layout == first, results));
            step(results, layout, WriterCostMeasurement.NAME, () -> writers.run(100, layout == first, results));
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
