package io.agentstatebridge.tools.cli;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.tools.soak.Soak;
import io.agentstatebridge.tools.soak.SoakSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "soak", description = "Run the bridge under a simulated fleet writing at a sustained rate (an embedded "
        + "PostgreSQL by default) and watch it: a line of figures every interval (events written and applied, lag, heap, "
        + "RSS, collections), a summary at the end. Exit 0 when the bridge kept running, its lag did not keep growing and "
        + "the read side caught up; 1 otherwise. Run it with the heap you deploy with, e.g. java -Xmx512m -jar ... soak.")
final class SoakCommand implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "1000", description = "Events per second, all agents together. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class,
            description = "How long the fleet writes: 90 (seconds), 30s, 10m, 2h. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--sample-interval", defaultValue = "10s", converter = DurationConverter.class,
            description = "How often a line of figures is printed (figures are taken every second). Default: ${DEFAULT-VALUE}.")
    Duration sampleInterval;

    @Option(names = "--agents", defaultValue = "1000", description = "Simulated agents. Default: ${DEFAULT-VALUE}.")
    int agents;

    @Option(names = "--workers", defaultValue = "4", description = "Connections writing in parallel. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--source-url", description = "A write-side database to use instead of an embedded PostgreSQL; its "
            + "tables are created if missing and the soak's events are added to them.")
    String sourceUrl;

    @Option(names = "--target-url", description = "A read-side database (with --source-url).")
    String targetUrl;

    @Option(names = "--http-port", defaultValue = "0", description = "Serve the status page while the soak runs; 0 for none. "
            + "Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SoakSettings settings = new SoakSettings(rate, duration, sampleInterval, agents, workers,
                sourceUrl == null ? null : DatabaseUrl.parse(sourceUrl, "--source-url"),
                targetUrl == null ? null : DatabaseUrl.parse(targetUrl, "--target-url"), httpPort);
        Soak soak = new Soak(settings, spec.commandLine().getOut());
        Thread main = Thread.currentThread();
        Thread stopper = new Thread(() -> {
            soak.stop(); // Ctrl-C: summarize what ran
            try {
                main.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "soak-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            return soak.run();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running
            }
        }
    }
}
