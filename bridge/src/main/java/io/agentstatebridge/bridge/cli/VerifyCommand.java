package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.SettingValues;
import io.agentstatebridge.bridge.config.Settings;
import io.agentstatebridge.bridge.verify.Verification;
import picocli.CommandLine.Command;

import java.time.Duration;
import java.util.List;

@Command(name = "verify", modelTransformer = SettingOptions.class, description = "Wait until the read side has applied everything committed on the source, then "
        + "compare every projection and replica with its definition on the source. Exit 0 when equal, 1 otherwise.")
final class VerifyCommand extends ConfiguredCommand {
    @Override
    public List<Setting<?>> settings() {
        return Settings.concat(Settings.DATABASES, List.of(Settings.NAME, Settings.VERIFY_TIMEOUT));
    }

    @Override
    protected int run(SettingValues values) throws Exception {
        boolean equal = new Verification(values.get(Settings.SOURCE_URL), values.get(Settings.TARGET_URL),
                values.get(Settings.NAME), Duration.ofSeconds(values.get(Settings.VERIFY_TIMEOUT)),
                spec().commandLine().getOut()).run();
        return equal ? 0 : 1;
    }
}
