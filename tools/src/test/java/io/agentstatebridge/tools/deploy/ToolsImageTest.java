package io.agentstatebridge.tools.deploy;

import io.agentstatebridge.bridge.deploy.BridgeCli;
import io.agentstatebridge.bridge.deploy.ComposeFile;
import io.agentstatebridge.bridge.deploy.Deployment;
import io.agentstatebridge.bridge.deploy.Dockerfile;
import io.agentstatebridge.tools.cli.ToolsCommand;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile's tools stage runs the jar this module builds, and docker-compose.yml's services on
 * that image run command lines the tools' jar accepts, with only the variables their command reads.
 * The bridge's tests check the rest of both files.
 */
class ToolsImageTest {
    private static final String STAGE = "tools";

    private final Deployment deployment = new Deployment();
    private final BridgeCli cli = new BridgeCli(ToolsCommand::new);

    @Test
    void toolsStageRunsTheShadedJarItsBuildStageBuilds() {
        deployment.assertRunsJarBuiltBy(deployment.dockerfile.stage(STAGE), "tools");
    }

    @Test
    void toolsImageRunsUnprivileged() {
        String user = deployment.dockerfile.stage(STAGE).last("USER").map(Dockerfile.Instruction::arguments).orElse("root");
        assertThat(user.split(":")[0]).as("%s stage %s must switch to an unprivileged USER", Dockerfile.PATH, STAGE)
                .isNotIn("root", "0");
    }

    @Test
    void toolsImageServicesRunValidCommandLines() {
        List<String> problems = new ArrayList<>();
        for (String service : toolsImageServices()) {
            List<String> command = deployment.command(service);
            String error = cli.parseError(command);
            if (error != null) {
                problems.add(service + ": `" + String.join(" ", command) + "`: " + error);
            }
        }
        assertThat(problems).as("commands of the tools' services in %s", ComposeFile.PATH).isEmpty();
    }

    @Test
    void toolsImageServicesSetOnlyVariablesTheirCommandReads() {
        List<String> problems = new ArrayList<>();
        for (String service : toolsImageServices()) {
            String subcommand = deployment.command(service).get(0);
            Set<String> reads = cli.variablesReadBy(subcommand);
            for (String variable : deployment.compose.environment(service).keySet()) {
                if (!reads.contains(variable)) {
                    problems.add(service + " sets " + variable + ", which `" + subcommand + "` does not read; it reads " + reads);
                }
            }
        }
        assertThat(problems).as("environment of the tools' services in %s", ComposeFile.PATH).isEmpty();
    }

    /** Compose's services built from the tools stage; there is at least one (loadgen). */
    private List<String> toolsImageServices() {
        Dockerfile.Stage tools = deployment.dockerfile.stage(STAGE);
        List<String> services = deployment.repositoryImageServices().stream()
                .filter(service -> deployment.imageStage(service).equals(tools)).toList();
        assertThat(services).as("services of %s built from the Dockerfile's %s stage", ComposeFile.PATH, STAGE).isNotEmpty();
        return services;
    }
}
