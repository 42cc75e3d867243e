package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.EnvironmentVariables;
import io.agentstatebridge.bridge.config.SettingsException;
import io.agentstatebridge.bridge.source.SetupException;
import io.agentstatebridge.bridge.source.SlotLostException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** The single entry point of the jar. */
@Command(name = "agent-state-bridge",
        // Inherited: every command answers --help and --version.
        scope = CommandLine.ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = BridgeCommand.Version.class,
        description = "Streams the agent event log out of PostgreSQL and keeps exact read-side projections of it.",
        subcommands = {RunCommand.class, ResnapshotCommand.class, MigrateCommand.class, VerifyCommand.class,
                StatusCommand.class, CommandLine.HelpCommand.class})
public final class BridgeCommand implements Runnable {
    /** Exit status for settings or databases the bridge cannot work with. */
    static final int EXIT_SETUP = 2;
    /**
     * Exit status of `run` when the replication slot can no longer serve the read side's position
     * (dropped, invalidated, recreated): only `resnapshot` recovers, so scripts can tell it apart.
     */
    static final int EXIT_SLOT_LOST = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return execute(new CommandLine(new BridgeCommand()), args);
    }

    /** As {@link #execute(String...)}, printing to {@code out} and {@code err}: for running in-process. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(new CommandLine(new BridgeCommand()).setOut(out).setErr(err), args);
    }

    /**
     * Runs {@code commandLine} as the jar runs its commands: the environment checked for variables the
     * bridge would refuse (by the command itself when it takes settings, with its other problems), and
     * the bridge's exceptions turned into their exit statuses. The tools' jar runs its commands through
     * it too.
     */
    public static int execute(CommandLine commandLine, String... args) {
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof SlotLostException) {
                cmd.getErr().println("error: " + e.getMessage());
                return EXIT_SLOT_LOST;
            }
            if (e instanceof SetupException || e instanceof SettingsException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("error: " + e.getMessage());
                return EXIT_SETUP;
            }
            throw e;
        });
        commandLine.setExecutionStrategy(parseResult -> {
            Integer help = CommandLine.executeHelpRequest(parseResult);
            if (help != null) {
                return help;
            }
            List<CommandLine> commands = parseResult.asCommandLineList();
            CommandLine leaf = commands.get(commands.size() - 1);
            if (!(leaf.getCommand() instanceof ConfiguredCommand)) {
                List<String> problems = EnvironmentVariables.problems(System.getenv());
                if (!problems.isEmpty()) {
                    leaf.getErr().println("error: " + new SettingsException(problems).getMessage());
                    return EXIT_SETUP;
                }
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = BridgeCommand.class.getPackage().getImplementationVersion();
            return new String[] {"agent-state-bridge " + (version == null ? "development build" : version)};
        }
    }
}
