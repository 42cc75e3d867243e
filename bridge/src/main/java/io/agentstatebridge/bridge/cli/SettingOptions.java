package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Adds a {@link ConfiguredCommand}'s settings to its picocli model as options, with the help text
 * made from their declarations: description, environment variable, default. Settings only the
 * environment gives are listed under the options. Options carry text; converting and validating
 * it is {@link io.agentstatebridge.bridge.config.SettingsResolver}'s job, so that every problem is
 * reported at once rather than the first picocli meets.
 */
public final class SettingOptions implements CommandLine.IModelTransformer {
    /** Picocli's usage width, which the footer, unlike the option list, does not wrap to by itself. */
    private static final int FOOTER_WIDTH = 80;

    @Override
    public CommandSpec transform(CommandSpec spec) {
        if (!(spec.userObject() instanceof ConfiguredCommand command)) {
            throw new IllegalStateException(spec.name() + " names SettingOptions but is no ConfiguredCommand");
        }
        Set<Setting<?>> settings = new LinkedHashSet<>(command.settings());
        settings.addAll(Settings.EVERY_COMMAND);
        List<String> environmentOnly = new ArrayList<>();
        for (Setting<?> setting : settings) {
            if (setting.option() == null) {
                environmentOnly.add("  " + setting.variable());
                environmentOnly.addAll(wrap(help(setting), "      ", FOOTER_WIDTH));
                continue;
            }
            spec.addOption(OptionSpec.builder(setting.option())
                    .type(setting.isFlag() ? boolean.class : String.class)
                    .arity(setting.isFlag() ? "0" : "1")
                    .paramLabel(setting.paramLabel() == null ? "VALUE" : setting.paramLabel())
                    .required(false)
                    .description(help(setting).replace("%", "%%"))
                    .build());
        }
        if (!environmentOnly.isEmpty()) {
            List<String> footer = new ArrayList<>(List.of("", "Environment only:"));
            environmentOnly.forEach(line -> footer.add(line.replace("%", "%%")));
            spec.usageMessage().footer(footer.toArray(String[]::new));
        }
        return spec;
    }

    /** Lines of at most {@code width} characters, each starting with {@code indent}. */
    static List<String> wrap(String text, String indent, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(indent);
        for (String word : text.split(" ")) {
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            }
            line.append(line.length() > indent.length() ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** The description, where else it may be given, and its default. */
    static String help(Setting<?> setting) {
        StringBuilder help = new StringBuilder(setting.description());
        if (setting.isPassword()) {
            help.append(" Env: ").append(setting.fileVariable()).append(" (a file) or ").append(setting.variable())
                    .append(" (the password).");
        } else if (setting.variable() != null && setting.option() != null) {
            help.append(" Env: ").append(setting.variable()).append('.');
        }
        if (setting.defaultValue() != null && !setting.isFlag()) {
            help.append(" Default: ").append(setting.defaultValue()).append('.');
        } else if (setting.required()) {
            help.append(" Required.");
        }
        return help.toString();
    }
}
