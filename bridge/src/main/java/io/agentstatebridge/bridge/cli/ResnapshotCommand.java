package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.SettingValues;
import io.agentstatebridge.bridge.config.Settings;
import io.agentstatebridge.bridge.rebuild.Resnapshot;
import picocli.CommandLine.Command;

import java.util.List;

@Command(name = "resnapshot", modelTransformer = SettingOptions.class, description = "Rebuild the read side from a fresh snapshot of the source, on a new replication "
        + "slot: the way back when `run` exits with status 3 (slot dropped or invalidated). Readers keep the current tables, "
        + "complete, until the new ones have caught up; one transaction then swaps them in. Stop the bridge first. Takes "
        + "the same options as run (HTTP options are accepted and ignored). Exit 0 when done, 1 if it could not finish "
        + "(the current tables are unchanged; run it again), 2 if it refused to start.")
final class ResnapshotCommand extends ConfiguredCommand {
    @Override
    public List<Setting<?>> settings() {
        return Settings.RUN;
    }

    @Override
    protected int run(SettingValues values) throws Exception {
        new Resnapshot(BridgeSettings.of(values), spec().commandLine().getOut()).run();
        return 0;
    }
}
