package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.rebuild.Resnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "resnapshot", description = "Rebuild the read side from a fresh snapshot of the source, on a new replication "
        + "slot: the way back when `run` exits with status 3 (slot dropped or invalidated). Readers keep the current tables, "
        + "complete, until the new ones have caught up; one transaction then swaps them in. Stop the bridge first. Takes "
        + "the same options as run (HTTP options are accepted and ignored). Exit 0 when done, 1 if it could not finish "
        + "(the current tables are unchanged; run it again), 2 if it refused to start.")
final class ResnapshotCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions databases;

    @Mixin
    BridgeOptions bridge;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        new Resnapshot(bridge.settings(databases), spec.commandLine().getOut()).run();
        return 0;
    }
}
