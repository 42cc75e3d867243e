package io.agentstatebridge.tools.cli;

import io.agentstatebridge.bridge.testing.BridgeProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tools' shaded jar, started as its own JVM: its help lists the tools and none of the bridge's
 * commands, and the README's demo runs the whole pipeline on the PostgreSQL the jar carries.
 */
class ToolsCliSmokeIT {

    @Test
    void helpListsTheToolsAndLeavesTheBridgesCommandsToItsJar() throws Exception {
        try (BridgeProcess help = BridgeProcess.start(ToolsJar.path(), "tools-help", "--help")) {
            assertThat(help.waitFor(Duration.ofSeconds(60))).as(help.output()).isZero();
            for (String tool : List.of("demo", "bench", "soak", "loadgen")) {
                assertThat(help.output()).as(help.output()).containsPattern("(?m)^\\s+" + tool + "\\s");
            }
            for (String command : List.of("run", "migrate", "verify", "status", "resnapshot")) {
                assertThat(help.output()).as("%s is the bridge's", command).doesNotContainPattern("(?m)^\\s+" + command + "\\s");
            }
        }
    }

    @Test
    void demoStartsItsEmbeddedPostgresqlStreamsAndShowsTheReadersQueries() throws Exception {
        try (BridgeProcess demo = BridgeProcess.start(ToolsJar.path(), "tools-demo", "demo", "--duration", "10",
                "--http-port", "0")) {
            assertThat(demo.waitFor(Duration.ofSeconds(180))).as("demo exit status; see %s", demo.log()).isZero();
            assertThat(demo.output())
                    .contains("starting an embedded PostgreSQL")
                    .containsPattern("events applied +[1-9]")
                    .contains("-- the agent's current state, at the start of its decision loop")
                    .doesNotContain("no agent state yet");
        }
    }
}
