package io.agentstatebridge.tools.cli;

import io.agentstatebridge.bridge.cli.ConfiguredCommand;
import io.agentstatebridge.bridge.cli.SettingOptions;
import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.SettingValues;
import io.agentstatebridge.bridge.config.Settings;
import io.agentstatebridge.tools.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/** The demo's bridge has the bridge's defaults; only its status page's port is a setting here, `run`'s own. */
@Command(name = "demo", modelTransformer = SettingOptions.class, description = "Run the whole pipeline on an embedded PostgreSQL: a simulated fleet writes, the bridge "
        + "maintains the read side, progress is printed, then the readers' queries. Needs nothing installed.")
final class DemoCommand extends ConfiguredCommand {
    @Option(names = "--duration", defaultValue = "0", description = "Seconds to run; 0 runs until Ctrl-C. Default: ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(names = "--agents", defaultValue = "20", description = "Simulated agents. Default: ${DEFAULT-VALUE}.")
    int agents;

    @Option(names = "--rate", defaultValue = "200", description = "Events per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Override
    public List<Setting<?>> settings() {
        return List.of(Settings.HTTP_PORT);
    }

    @Override
    protected int run(SettingValues values) throws Exception {
        Demo demo = new Demo(new Demo.DemoSettings(agents, rate, Duration.ofSeconds(durationSeconds), Duration.ofSeconds(3),
                values.get(Settings.HTTP_PORT)), spec().commandLine().getOut());
        Thread main = Thread.currentThread();
        Thread stopper = new Thread(() -> {
            demo.stop();
            try {
                main.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        demo.run();
        return 0;
    }
}
