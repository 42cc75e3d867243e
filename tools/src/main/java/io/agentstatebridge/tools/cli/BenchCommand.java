package io.agentstatebridge.tools.cli;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.tools.bench.BenchSettings;
import io.agentstatebridge.tools.bench.Benchmark;
import io.agentstatebridge.tools.bench.Layout;
import io.agentstatebridge.tools.bench.Measurement;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure the bridge as it ships: catch-up from a backlog (with PostgreSQL's own decoder "
        + "for scale), the initial snapshot, steady lag, cost to the writers, the bridge process's memory and the readers' "
        + "lookups, with source and target on two PostgreSQL servers and on one (embedded, started by the bench). The bridge "
        + "runs as its own process from agent-state-bridge.jar. Prints a table and writes bench.csv and bench.svg.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--events", description = "Events in each backlog and in the snapshot. Default: 1000000 (100000 with --quick).")
    Long events;

    @Option(names = "--steady-rates", split = ",", description = "Write rates (events/s) of the steady-lag measurement, "
            + "comma-separated. Default: 1000,5000,10000,20000.")
    List<Integer> steadyRates;

    @Option(names = "--steady-seconds", description = "Seconds each steady rate is held. Default: 60 (10 with --quick).")
    Integer steadySeconds;

    @Option(names = "--writer-seconds", description = "Seconds the writers write in each writer-cost run. Default: 20 (5 with --quick).")
    Integer writerSeconds;

    @Option(names = "--lookups", defaultValue = "2000", description = "Point lookups per read query. Default: ${DEFAULT-VALUE}.")
    int lookups;

    @Option(names = "--quick", description = "A smoke run: smaller defaults for the sizes above.")
    boolean quick;

    @Option(names = "--layout", split = ",", defaultValue = "two-servers,one-server", description = "Where source and target "
            + "live: two-servers (the production layout), one-server (the demo's), or both. Default: ${DEFAULT-VALUE}.")
    List<String> layouts;

    @Option(names = "--measure", split = ",", defaultValue = "catch-up,snapshot,steady-lag,writer-cost", description = "Which "
            + "measurements run (the readers' lookups come with the snapshot). Default: ${DEFAULT-VALUE}.")
    List<String> measurements;

    @Option(names = "--plain-java", description = "Also time the 100-event catch-up (first layout) with plain java -jar and "
            + "no JVM option, besides the launcher (bin/agent-state-bridge) the README and the Dockerfile run.")
    boolean plainJava;

    @Option(names = "--profile", description = "Record the catch-ups with Java Flight Recorder in the bridge's process and print "
            + "where its CPU went (needs a JDK: jcmd). The catch-up figures are then marked as profiled.")
    boolean profile;

    @Option(names = "--bridge-jar", description = "The bridge's jar. Default: agent-state-bridge.jar beside the tools' jar, "
            + "else bridge/target/ of the repository the tools' jar was built in.")
    Path bridgeJar;

    @Option(names = "--output", defaultValue = "bench-results", description = "Directory for bench.csv, bench.svg and the "
            + "bridge's logs. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = "--source-url", description = "A scratch write-side database to use instead of the embedded servers "
            + "(one layout, whatever it is). Its agent_* tables, the bench's publications and slots are DROPPED before each "
            + "measurement.")
    String sourceUrl;

    @Option(names = "--target-url", description = "A scratch read-side database (with --source-url); wiped before each measurement.")
    String targetUrl;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings;
        try {
            settings = new BenchSettings(
                    events != null ? events : quick ? 100_000 : 1_000_000,
                    steadyRates != null ? steadyRates : List.of(1_000, 5_000, 10_000, 20_000),
                    Duration.ofSeconds(steadySeconds != null ? steadySeconds : quick ? 10 : 60),
                    Duration.ofSeconds(writerSeconds != null ? writerSeconds : quick ? 5 : 20),
                    lookups, Duration.ofSeconds(quick ? 5 : 20), output,
                    layouts.stream().map(Layout::parse).distinct().toList(),
                    new LinkedHashSet<>(measurements.stream().map(Measurement::parse).toList()),
                    plainJava, profile, bridgeJar,
                    sourceUrl == null ? null : DatabaseUrl.parse(sourceUrl, "--source-url"),
                    targetUrl == null ? null : DatabaseUrl.parse(targetUrl, "--target-url"));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        new Benchmark(settings, spec.commandLine().getOut()).run();
        return 0;
    }
}
