package io.agentstatebridge.tools.cli;

import io.agentstatebridge.bridge.cli.ConfiguredCommand;
import io.agentstatebridge.bridge.cli.SettingOptions;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.SettingValues;
import io.agentstatebridge.bridge.config.Settings;
import io.agentstatebridge.loadgen.LoadGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/** The source and its password are the bridge's settings, so the fleet writes where the bridge reads. */
@Command(name = "loadgen", modelTransformer = SettingOptions.class,
        description = "Simulate an agent fleet writing sessions and events to the source.")
final class LoadgenCommand extends ConfiguredCommand {

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

    @Override
    public List<Setting<?>> settings() {
        return List.of(Settings.SOURCE_URL, Settings.SOURCE_PASSWORD);
    }

    @Override
    protected int run(SettingValues values) throws InterruptedException {
        DatabaseUrl source = values.get(Settings.SOURCE_URL);
        var settings = new LoadGenerator.LoadSettings(agents, rate, Duration.ofSeconds(durationSeconds), workers, seed);
        try (LoadGenerator generator = new LoadGenerator(source.jdbcUrl(), settings)) {
            long started = System.nanoTime();
            long events = generator.run();
            double seconds = (System.nanoTime() - started) / 1e9;
            spec().commandLine().getOut().printf("loadgen: wrote %d events in %d sessions in %.1f s (%.0f events/s) to %s%n",
                    events, generator.sessionsStarted(), seconds, events / seconds, source.describe());
        }
        return 0;
    }
}
