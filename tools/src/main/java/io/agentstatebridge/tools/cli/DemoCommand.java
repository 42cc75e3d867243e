package io.agentstatebridge.tools.cli;

import io.agentstatebridge.tools.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "demo", description = "Run the whole pipeline on an embedded PostgreSQL: a simulated fleet writes, the bridge "
        + "maintains the read side, progress is printed, then the readers' queries. Needs nothing installed.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "0", description = "Seconds to run; 0 runs until Ctrl-C. Default: ${DEFAULT-VALUE}.")
    int durationSeconds;

    @Option(names = "--agents", defaultValue = "20", description = "Simulated agents. Default: ${DEFAULT-VALUE}.")
    int agents;

    @Option(names = "--rate", defaultValue = "200", description = "Events per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--http-port", defaultValue = "9187", description = "Port of the status page; 0 turns it off. "
            + "Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Demo demo = new Demo(new Demo.DemoSettings(agents, rate, Duration.ofSeconds(durationSeconds), Duration.ofSeconds(3), httpPort),
                spec.commandLine().getOut());
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
