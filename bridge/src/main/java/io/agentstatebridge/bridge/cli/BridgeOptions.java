package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.BridgeSettings;
import picocli.CommandLine.Option;

/** Options naming this bridge and its replication objects. */
final class BridgeOptions {
    @Option(names = "--name", defaultValue = "${env:BRIDGE_NAME:-agent_state_bridge}",
            description = "Bridge name; keys its stored position on the read side. Env: BRIDGE_NAME. Default: ${DEFAULT-VALUE}.")
    String name;

    @Option(names = "--slot", defaultValue = "${env:BRIDGE_SLOT:-agent_state_bridge}",
            description = "Replication slot on the source, created if missing. Env: BRIDGE_SLOT. Default: ${DEFAULT-VALUE}.")
    String slot;

    @Option(names = "--publication", defaultValue = "${env:BRIDGE_PUBLICATION:-agent_state_bridge}",
            description = "Publication on the source, created if missing, limited to the bridge's tables. "
                    + "Env: BRIDGE_PUBLICATION. Default: ${DEFAULT-VALUE}.")
    String publication;

    @Option(names = "--max-batch-size", defaultValue = "${env:BRIDGE_MAX_BATCH_SIZE:-2048}",
            description = "Most changes applied per read-side transaction. Env: BRIDGE_MAX_BATCH_SIZE. Default: ${DEFAULT-VALUE}.")
    int maxBatchSize;

    BridgeSettings settings(DatabaseOptions databases) {
        return new BridgeSettings(databases.source(), databases.target(), name, slot, publication, maxBatchSize);
    }
}
