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

    @Option(names = "--http-port", defaultValue = "${env:BRIDGE_HTTP_PORT:-9187}",
            description = "Port of the status page, /metrics and /health; 0 turns HTTP off. Env: BRIDGE_HTTP_PORT. "
                    + "Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--http-bind", defaultValue = "${env:BRIDGE_HTTP_BIND:-127.0.0.1}",
            description = "Address the HTTP server listens on (0.0.0.0 for all). Env: BRIDGE_HTTP_BIND. Default: ${DEFAULT-VALUE}.")
    String httpBind;

    @Option(names = "--ready-max-lag-seconds", defaultValue = "${env:BRIDGE_READY_MAX_LAG_SECONDS:-10}",
            description = "/health/ready fails while lag exceeds this. Env: BRIDGE_READY_MAX_LAG_SECONDS. Default: ${DEFAULT-VALUE}.")
    double readyMaxLagSeconds;

    @Option(names = "--lag-warn-seconds", defaultValue = "${env:BRIDGE_LAG_WARN_SECONDS:-30}",
            description = "Log a warning while lag exceeds this. Env: BRIDGE_LAG_WARN_SECONDS. Default: ${DEFAULT-VALUE}.")
    double lagWarnSeconds;

    @Option(names = "--retained-wal-warn-mb", defaultValue = "${env:BRIDGE_RETAINED_WAL_WARN_MB:-1024}",
            description = "Log a warning while the slot retains more WAL than this. Env: BRIDGE_RETAINED_WAL_WARN_MB. "
                    + "Default: ${DEFAULT-VALUE}.")
    long retainedWalWarnMb;

    BridgeSettings settings(DatabaseOptions databases) {
        return new BridgeSettings(databases.source(), databases.target(), name, slot, publication, maxBatchSize,
                new BridgeSettings.Observability(httpBind, httpPort, readyMaxLagSeconds, lagWarnSeconds, retainedWalWarnMb << 20));
    }
}
