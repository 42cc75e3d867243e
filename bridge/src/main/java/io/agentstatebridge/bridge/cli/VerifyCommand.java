package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.verify.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "verify", description = "Wait until the read side has applied everything committed on the source, then "
        + "compare every projection and replica with its definition on the source. Exit 0 when equal, 1 otherwise.")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions databases;

    @Option(names = "--name", defaultValue = "${env:BRIDGE_NAME:-agent_state_bridge}",
            description = "Name of the running bridge. Default: ${DEFAULT-VALUE}.")
    String name;

    @Option(names = "--timeout", defaultValue = "120", description = "Seconds to wait for the read side to catch up. "
            + "Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean equal = new Verification(databases.source(), databases.target(), name, Duration.ofSeconds(timeoutSeconds),
                spec.commandLine().getOut()).run();
        return equal ? 0 : 1;
    }
}
