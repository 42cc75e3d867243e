package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.deploy.Deployment;
import io.agentstatebridge.bridge.deploy.Dockerfile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench measures the bridge with the JVM options the Dockerfile's ENTRYPOINT gives it, whatever they become. */
class DockerfileJvmOptionsTest {
    @Test
    void benchRunsTheBridgeWithTheOptionsOfTheDockerfilesEntrypoint() {
        Deployment deployment = new Deployment();
        List<String> entrypoint = deployment.dockerfile.stage("bridge").last("ENTRYPOINT").flatMap(Dockerfile.Instruction::execForm)
                .orElseThrow(() -> new AssertionError("the bridge's stage has no ENTRYPOINT in exec form"));
        assertThat(entrypoint).contains("-jar");
        List<String> options = entrypoint.subList(1, entrypoint.indexOf("-jar"));

        assertThat(JvmOptions.DOCKERFILE.options()).as("JvmOptions.DOCKERFILE must follow %s", Dockerfile.PATH).isEqualTo(options);
    }
}
