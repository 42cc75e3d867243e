package io.agentstatebridge.tools.cli;

import io.agentstatebridge.bridge.testing.BridgeProcess;

import java.nio.file.Path;

/** The tools' shaded jar, for tests that run it as its own JVM the way people run it. */
final class ToolsJar {
    private ToolsJar() {
    }

    static Path path() {
        return BridgeProcess.built(Path.of("target", "agent-state-bridge-tools.jar"));
    }
}
