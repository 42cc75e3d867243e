package io.agentstatebridge.bridge.cli;

import ch.qos.logback.classic.LoggerContext;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.SettingValues;
import io.agentstatebridge.bridge.config.Settings;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.source.SlotLostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "run", modelTransformer = SettingOptions.class,
        description = "Stream changes from the source into the read side until stopped (SIGTERM or Ctrl-C).")
final class RunCommand extends ConfiguredCommand {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Override
    public List<Setting<?>> settings() {
        return Settings.RUN;
    }

    @Override
    protected int run(SettingValues values) throws InterruptedException {
        BridgeSettings settings = BridgeSettings.of(values);
        Bridge running = new Bridge(settings);
        AtomicBoolean stopRequested = new AtomicBoolean();
        Thread stopper = new Thread(() -> {
            stopRequested.set(true);
            running.close();
            // A requested stop that completed is a clean exit, whatever signal asked for it.
            ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
            Runtime.getRuntime().halt(exitStatus(running));
        }, "bridge-shutdown");
        running.start(); // throws with an instruction when a database is not usable
        Runtime.getRuntime().addShutdownHook(stopper);
        ProgressLog progress = new ProgressLog(running);
        try {
            running.awaitTermination();
        } finally {
            progress.close();
        }
        if (running.state() == BridgeState.FAILED && !stopRequested.get()) {
            if (running.failure() instanceof SlotLostException) {
                return BridgeCommand.EXIT_SLOT_LOST; // the bridge has said why and what to do, in one line
            }
            LOG.error("exiting: {}", running.failure() == null ? "unknown failure" : running.failure().getMessage());
            return 1;
        }
        return 0;
    }

    private static int exitStatus(Bridge bridge) {
        if (bridge.state() != BridgeState.FAILED) {
            return 0;
        }
        return bridge.failure() instanceof SlotLostException ? BridgeCommand.EXIT_SLOT_LOST : 1;
    }
}
