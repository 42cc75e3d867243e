package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * Runs every measurement of the benchmark in one go, on the same server, one after the other
 * (never concurrently, so they do not share the cores), then prints the table and writes
 * bench.csv and bench.svg. A measurement that fails is reported as such and the others still run.
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
    public List<BenchFigure> run() throws IOException, java.sql.SQLException {
        long started = System.nanoTime();
        BenchResults results = new BenchResults(out);
        String machine;
        try (BenchEnvironment environment = BenchEnvironment.start(settings, out)) {
            machine = String.format("%s; %s; %d cores; %s, Java %s; %,d events", LocalDate.now(),
                    environment.describeServer(), Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                    System.getProperty("java.version"), settings.events());
            out.println(machine);
            CatchUpMeasurement catchUp = new CatchUpMeasurement(environment, settings, out);
            step(results, CatchUpMeasurement.NAME, () -> catchUp.run(100, results));
            step(results, CatchUpMeasurement.NAME, () -> catchUp.run(1, results));
            step(results, SnapshotMeasurement.NAME, () -> {
                BenchDatabases databases = environment.fresh("snapshot");
                try {
                    new SnapshotMeasurement(settings, out).run(databases, results);
                    new ReadLatencyMeasurement(settings, out).run(databases, results);
                } finally {
                    environment.release(databases);
                }
            });
            step(results, SteadyLagMeasurement.NAME, () -> new SteadyLagMeasurement(environment, settings, out).run(results));
            WriterCostMeasurement writers = new WriterCostMeasurement(environment, settings, out);
            step(results, WriterCostMeasurement.NAME, () -> writers.run(1, results));
            step(results, WriterCostMeasurement.NAME, () -> writers.run(100, results));
        }
        out.printf("%nbenchmark finished in %.1f min: %s%n%n", (System.nanoTime() - started) / 60e9, machine);
        List<BenchFigure> figures = results.figures();
        ResultsTable.print(figures, out);
        Files.createDirectories(settings.output());
        Path csv = settings.output().resolve("bench.csv");
        Path svg = settings.output().resolve("bench.svg");
        CsvWriter.write(figures, csv);
        SvgChart.write(figures, machine, svg);
        out.printf("%nwrote %s and %s%n", csv, svg);
        out.flush();
        return figures;
    }

    private void step(BenchResults results, String name, Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted during " + name, e);
        } catch (Exception e) {
            out.printf("  !! %s failed: %s%n", name, e);
            results.add(new BenchFigure(name, "failed", "error", Double.NaN, "", String.valueOf(e.getMessage())));
        }
    }
}
