package io.agentstatebridge.tools.cli;

import io.agentstatebridge.loadgen.LoadGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "loadgen", description = "Simulate an agent fleet writing sessions and events to the source.")
final class LoadgenCommand implements Callable<Integer> {
    @Option(names = "--source-url", defaultValue = "${env:BRIDGE_SOURCE_URL}", description = "JDBC URL of the write side.")
    String sourceUrl;

    @Option(names = "--agents", defaultValue = "50", description = "Simulated agents. Default: ${DEFAULT-VALUE}.")
    int agents;

    @Option(names = "--rate", defaultValue = "500", description = "Events per second, all agents together. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--duration", defaultValue = "60", description = "Seconds to run. Default: ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(names = "--workers", defaultValue = "4", description = "Connections writing in parallel. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the simulated behaviour. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        var source = io.agentstatebridge.bridge.config.DatabaseUrl.parse(sourceUrl, "--source-url (or BRIDGE_SOURCE_URL)");
        var settings = new LoadGenerator.LoadSettings(agents, rate, Duration.ofSeconds(durationSeconds), workers, seed);
        try (LoadGenerator generator = new LoadGenerator(source.jdbcUrl(), settings)) {
            long started = System.nanoTime();
            long events = generator.run();
            double seconds = (System.nanoTime() - started) / 1e9;
            spec.commandLine().getOut().printf("loadgen: wrote %d events in %d sessions in %.1f s (%.0f events/s) to %s%n",
                    events, generator.sessionsStarted(), seconds, events / seconds, source.describe());
        }
        return 0;
    }
}
