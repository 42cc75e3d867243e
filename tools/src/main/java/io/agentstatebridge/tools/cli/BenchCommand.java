package io.agentstatebridge.tools.cli;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.tools.bench.BenchSettings;
import io.agentstatebridge.tools.bench.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", description = "Measure catch-up, snapshot, steady-state lag, cost to the writers and read latency "
        + "on real PostgreSQL (embedded by default), print a table and write bench.csv and bench.svg.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--events", description = "Events in each backlog, snapshot and the read-side load. Default: 1000000 "
            + "(100000 with --quick).")
    Long events;

    @Option(names = "--steady-seconds", description = "Seconds each steady write rate (1,000 / 5,000 / 10,000 events/s) is held. "
            + "Default: 60 (10 with --quick).")
    Integer steadySeconds;

    @Option(names = "--writer-seconds", description = "Seconds the writers write in each cost-to-the-writers run. "
            + "Default: 20 (5 with --quick).")
    Integer writerSeconds;

    @Option(names = "--lookups", defaultValue = "2000", description = "Point lookups per read query. Default: ${DEFAULT-VALUE}.")
    int lookups;

    @Option(names = "--quick", description = "A fast smoke run: smaller defaults for the sizes above.")
    boolean quick;

    @Option(names = "--output", defaultValue = "bench-results", description = "Directory for bench.csv and bench.svg. "
            + "Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--source-url", description = "A scratch write-side database to use instead of an embedded PostgreSQL. "
            + "Its agent_* tables, the bench's publication and slots are DROPPED before each measurement.")
    String sourceUrl;

    @Option(names = "--target-url", description = "A scratch read-side database (with --source-url); wiped before each measurement.")
    String targetUrl;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = new BenchSettings(
                events != null ? events : quick ? 100_000 : 1_000_000,
                List.of(1_000, 5_000, 10_000),
                Duration.ofSeconds(steadySeconds != null ? steadySeconds : quick ? 10 : 60),
                Duration.ofSeconds(writerSeconds != null ? writerSeconds : quick ? 5 : 20),
                lookups, Duration.ofSeconds(quick ? 5 : 20), output,
                sourceUrl == null ? null : DatabaseUrl.parse(sourceUrl, "--source-url"),
                targetUrl == null ? null : DatabaseUrl.parse(targetUrl, "--target-url"));
        new Benchmark(settings, spec.commandLine().getOut()).run();
        return 0;
    }
}
