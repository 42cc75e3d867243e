package io.agentstatebridge.client;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs examples/python/agent_loop.py as a reader of the README would: Debian's python3 with
 * python3-psycopg2, against a running bridge. The example itself checks that every read shows
 * its own write and exits non-zero otherwise.
 */
class PythonExampleIT {
    private static final Path EXAMPLE = Path.of("..", "examples", "python", "agent_loop.py");

    @Test
    void theAgentLoopSeesEachOfItsWritesOnTheReadSide() throws Exception {
        String python = pythonWithPsycopg2();
        BridgeDatabases databases = new BridgeDatabases("python_example");
        try (Bridge bridge = new Bridge(databases.settings(512))) {
            bridge.start();
            Process process = new ProcessBuilder(python, EXAMPLE.toString(),
                    "--source", libpqUri(databases.source().database()),
                    "--target", libpqUri(databases.target().database()),
                    "--agent-id", "py-agent", "--steps", "5")
                    .redirectErrorStream(true).start();
            boolean finished = process.waitFor(2, TimeUnit.MINUTES);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.println(output);
            assertThat(finished).as("the example finished within 2 minutes").isTrue();
            assertThat(process.exitValue()).as("exit code; output:\n" + output).isZero();
            assertThat(output).contains("step 5:").contains("sees its own write").doesNotContain("STALE")
                    .contains("closed: True");
            assertThat(databases.verifyDifferences(Duration.ofSeconds(60))).isNull();
        }
    }

    /** libpq takes the JDBC URL's form without its "jdbc:" prefix, user and password parameters included. */
    private static String libpqUri(String database) {
        return PostgresFixture.get().jdbcUrl(database).substring("jdbc:".length());
    }

    /** Debian's interpreter first: python3-psycopg2 installs for it, not for other pythons on PATH. */
    private static String pythonWithPsycopg2() throws IOException, InterruptedException {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            if (candidate.startsWith("/") && !Files.isExecutable(Path.of(candidate))) {
                continue;
            }
            Process probe = new ProcessBuilder(candidate, "-c", "import psycopg2").redirectErrorStream(true).start();
            if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                return candidate;
            }
        }
        throw new AssertionError("no python3 with psycopg2 found: install Debian's python3-psycopg2 "
                + "(apt-get install python3-psycopg2; .ci/run does)");
    }
}
