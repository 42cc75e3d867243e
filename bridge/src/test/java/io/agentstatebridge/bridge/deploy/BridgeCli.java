package io.agentstatebridge.bridge.deploy;

import io.agentstatebridge.bridge.cli.BridgeCommand;
import io.agentstatebridge.bridge.cli.ConfiguredCommand;
import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.Settings;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bridge's command line really accepts, read from its picocli model, the settings its
 * commands take and its logging configuration rather than copied into the tests. The tools' jar is
 * read the same way.
 */
public final class BridgeCli {
    private static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{(" + Settings.ENV_PREFIX + "[A-Z0-9_]+)");

    private final Supplier<Object> entryPoint;
    private final CommandLine model;

    BridgeCli() {
        this(BridgeCommand::new);
    }

    /** The command line of another jar's entry point (the tools'), which shares the bridge's logging and variables. */
    public BridgeCli(Supplier<Object> entryPoint) {
        this.entryPoint = entryPoint;
        model = new CommandLine(entryPoint.get());
    }

    Set<String> subcommands() {
        return model.getSubcommands().keySet();
    }

    /** The settings {@code subcommand} takes, and those every command takes (the log level). */
    public List<Setting<?>> settingsOf(String subcommand) {
        List<Setting<?>> settings = new ArrayList<>(Settings.EVERY_COMMAND);
        if (subcommand(subcommand).getCommand() instanceof ConfiguredCommand command) {
            settings.addAll(command.settings());
        }
        return settings;
    }

    /**
     * The environment variables {@code subcommand} reads: those of its settings, and those the logging
     * configuration reads, which must be settings too.
     */
    public Set<String> variablesReadBy(String subcommand) {
        Set<String> variables = new TreeSet<>();
        settingsOf(subcommand).forEach(setting -> variables.addAll(setting.variables()));
        Set<String> logging = loggingVariables();
        if (!variables.containsAll(logging)) {
            throw new AssertionError("logback.xml reads " + logging + ", but the settings every command takes give only "
                    + variables + ": declare its variables in Settings.EVERY_COMMAND");
        }
        return variables;
    }

    /** The default of an option: "9187" for run's --http-port. */
    String fallbackDefault(String subcommand, String option) {
        return setting(subcommand, option).defaultValue();
    }

    /** The variable that gives an option's setting ("AGENT_STATE_BRIDGE_HTTP_PORT" for run's --http-port). */
    String variableOf(String subcommand, String option) {
        String variable = setting(subcommand, option).variable();
        if (variable == null) {
            throw new AssertionError("`" + subcommand + " " + option + "` has no environment variable");
        }
        return variable;
    }

    /** Parses {@code arguments} as the jar would; a message saying what is wrong, or null when they parse. */
    public String parseError(List<String> arguments) {
        try {
            CommandLine.ParseResult result = new CommandLine(entryPoint.get()).parseArgs(arguments.toArray(String[]::new));
            return result.hasSubcommand() ? null : "names no command; the jar's commands are " + subcommands();
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    private CommandLine subcommand(String name) {
        CommandLine subcommand = model.getSubcommands().get(name);
        if (subcommand == null) {
            throw new AssertionError("the jar has no command '" + name + "'; its commands are " + subcommands());
        }
        return subcommand;
    }

    private Setting<?> setting(String subcommand, String option) {
        return settingsOf(subcommand).stream().filter(s -> option.equals(s.option())).findFirst()
                .orElseThrow(() -> new AssertionError("`" + subcommand + "` has no option " + option));
    }

    private static Set<String> loggingVariables() {
        try (InputStream in = BridgeCommand.class.getResourceAsStream("/logback.xml")) {
            if (in == null) {
                throw new AssertionError("the bridge's logback.xml is not on the classpath");
            }
            Set<String> variables = new TreeSet<>();
            Matcher matcher = LOGBACK_VARIABLE.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            while (matcher.find()) {
                variables.add(matcher.group(1));
            }
            return variables;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
