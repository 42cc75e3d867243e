package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import picocli.CommandLine.Option;

/** The two databases, as options or environment variables. */
final class DatabaseOptions {
    @Option(names = "--source-url", defaultValue = "${env:BRIDGE_SOURCE_URL}",
            description = "JDBC URL of the write side (where agents insert events); credentials may ride in it. "
                    + "Env: BRIDGE_SOURCE_URL.")
    String sourceUrl;

    @Option(names = "--target-url", defaultValue = "${env:BRIDGE_TARGET_URL}",
            description = "JDBC URL of the read side (projections, replicas, bridge position). Env: BRIDGE_TARGET_URL.")
    String targetUrl;

    DatabaseUrl source() {
        return DatabaseUrl.parse(sourceUrl, "--source-url (or BRIDGE_SOURCE_URL)");
    }

    DatabaseUrl target() {
        return DatabaseUrl.parse(targetUrl, "--target-url (or BRIDGE_TARGET_URL)");
    }
}
