package io.agentstatebridge.tools.cli;

import io.agentstatebridge.bridge.cli.BridgeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point of the tools' jar: what runs around the bridge (the demo, the benchmark, the soak, a
 * simulated fleet), kept out of the jar a deployment runs. Exit statuses, settings and the check of
 * the environment are the bridge's own.
 */
@Command(name = "agent-state-bridge-tools",
        // Inherited: every command answers --help and --version.
        scope = CommandLine.ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = BridgeCommand.Version.class,
        description = "The demo, the benchmark, the soak and a simulated agent fleet for agent-state-bridge. "
                + "The bridge itself (run, migrate, verify, status, resnapshot) is agent-state-bridge.jar.",
        subcommands = {DemoCommand.class, BenchCommand.class, SoakCommand.class, LoadgenCommand.class,
                CommandLine.HelpCommand.class})
public final class ToolsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return BridgeCommand.execute(new CommandLine(new ToolsCommand()), args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
