package io.agentstatebridge.bridge.deploy;

import io.agentstatebridge.bridge.cli.BridgeCommand;
import io.agentstatebridge.bridge.config.EnvironmentVariables;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the bridge's command line really accepts, read from its picocli model and its logging
 * configuration rather than copied into the tests. The tools' jar is read the same way.
 */
public final class BridgeCli {
    /** How an option names its variable: {@code ${env:BRIDGE_HTTP_PORT:-9187}}. */
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)(?::-([^}]*))?}");
    private static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{(BRIDGE_[A-Z0-9_]+)");

    private final Supplier<Object> entryPoint;
    /** The model with defaults as written, ${env:...} and all; parsing needs them resolved, so it uses another. */
    private final CommandLine uninterpolated;

    BridgeCli() {
        this(BridgeCommand::new);
    }

    /** The command line of another jar's entry point (the tools'), which shares the bridge's logging and variables. */
    public BridgeCli(Supplier<Object> entryPoint) {
        this.entryPoint = entryPoint;
        uninterpolated = new CommandLine(entryPoint.get());
        uninterpolated.setInterpolateVariables(false);
    }

    Set<String> subcommands() {
        return uninterpolated.getSubcommands().keySet();
    }

    /**
     * The BRIDGE_* variables {@code subcommand} reads: those its options default from, and those the
     * logging configuration reads, as long as the start-up check lets them through.
     */
    public Set<String> variablesReadBy(String subcommand) {
        Set<String> variables = new TreeSet<>(loggingVariables());
        for (OptionSpec option : subcommand(subcommand).getCommandSpec().options()) {
            Matcher matcher = ENV_DEFAULT.matcher(String.valueOf(option.defaultValue()));
            while (matcher.find()) {
                variables.add(matcher.group(1));
            }
        }
        variables.retainAll(EnvironmentVariables.KNOWN);
        return variables;
    }

    /** The fallback of an option that defaults from a variable: "9187" for run's --http-port. */
    String fallbackDefault(String subcommand, String option) {
        String written = option(subcommand, option).defaultValue();
        Matcher matcher = ENV_DEFAULT.matcher(String.valueOf(written));
        return matcher.matches() && matcher.group(2) != null ? matcher.group(2) : written;
    }

    /** The variable an option defaults from ("BRIDGE_HTTP_PORT" for run's --http-port). */
    String variableOf(String subcommand, String option) {
        Matcher matcher = ENV_DEFAULT.matcher(String.valueOf(option(subcommand, option).defaultValue()));
        if (!matcher.matches()) {
            throw new AssertionError("`" + subcommand + " " + option + "` does not default from a variable");
        }
        return matcher.group(1);
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
        CommandLine subcommand = uninterpolated.getSubcommands().get(name);
        if (subcommand == null) {
            throw new AssertionError("the jar has no command '" + name + "'; its commands are " + subcommands());
        }
        return subcommand;
    }

    private OptionSpec option(String subcommand, String name) {
        OptionSpec option = subcommand(subcommand).getCommandSpec().findOption(name);
        if (option == null) {
            throw new AssertionError("`" + subcommand + "` has no option " + name);
        }
        return option;
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
