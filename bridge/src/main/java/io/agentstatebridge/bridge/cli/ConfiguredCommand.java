package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.SettingValues;
import io.agentstatebridge.bridge.config.SettingsResolver;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A command whose options are settings of the registry ({@link io.agentstatebridge.bridge.config.Settings}).
 * {@link SettingOptions} adds them to the command's model from their declarations; {@link #call()}
 * resolves them once, with the environment, before the command does anything, so that every
 * problem with the settings is reported together and nothing is touched when there is one.
 * Subclasses name it in {@code @Command(modelTransformer = SettingOptions.class)}.
 */
public abstract class ConfiguredCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    /** The settings this command takes. */
    public abstract List<Setting<?>> settings();

    /** Rules across this command's settings, added to {@code problems}; settings that failed are null in {@code values}. */
    protected void check(SettingValues values, List<String> problems) {
    }

    /** Runs the command with its resolved settings; returns the exit status. */
    protected abstract int run(SettingValues values) throws Exception;

    protected CommandSpec spec() {
        return spec;
    }

    @Override
    public final Integer call() throws Exception {
        SettingValues values = SettingsResolver.resolve(settings(), commandLine(), System.getenv(), this::check);
        values.warnings().forEach(warning -> spec.commandLine().getErr().println("warning: " + warning));
        return run(values);
    }

    /** The settings given as options, as typed. */
    private Map<String, String> commandLine() {
        ParseResult parsed = spec.commandLine().getParseResult();
        Map<String, String> given = new HashMap<>();
        for (Setting<?> setting : settings()) {
            if (setting.option() != null && parsed.hasMatchedOption(setting.option())) {
                given.put(setting.option(), setting.isFlag() ? "true" : parsed.matchedOptionValue(setting.option(), ""));
            }
        }
        return given;
    }
}
