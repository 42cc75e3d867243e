package io.agentstatebridge.bridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** From what an operator gave to the values a command runs with; no database involved. */
class SettingsResolverTest {
    private static final String SENTINEL = "s3cr3t-sentinel";
    private static final String SOURCE = "jdbc:postgresql://writes.example.com/agents?user=agent_state_bridge";
    private static final String TARGET = "jdbc:postgresql://reads.example.com/agents_read?user=agent_state_bridge";

    @TempDir
    Path files;

    @Test
    void commandLineWinsOverEnvironmentWhichWinsOverTheDefault() {
        SettingValues values = SettingsResolver.resolve(Settings.RUN, Map.of("--source-url", SOURCE, "--target-url", TARGET,
                "--slot", "from_option"), Map.of("AGENT_STATE_BRIDGE_SLOT", "from_env", "AGENT_STATE_BRIDGE_NAME", "from_env"));
        assertThat(values.get(Settings.SLOT)).isEqualTo("from_option");
        assertThat(values.origin(Settings.SLOT)).isEqualTo(SettingValues.Origin.COMMAND_LINE);
        assertThat(values.get(Settings.NAME)).isEqualTo("from_env");
        assertThat(values.origin(Settings.NAME)).isEqualTo(SettingValues.Origin.ENVIRONMENT);
        assertThat(values.get(Settings.PUBLICATION)).isEqualTo("agent_state_bridge");
        assertThat(values.origin(Settings.PUBLICATION)).isEqualTo(SettingValues.Origin.DEFAULT);
        assertThat(BridgeSettings.of(values).observability().retainedWalWarnBytes()).isEqualTo(1024L << 20);
    }

    @Test
    void anEmptyVariableCountsAsNotSet() {
        SettingValues values = SettingsResolver.resolve(Settings.RUN, Map.of("--source-url", SOURCE, "--target-url", TARGET),
                Map.of("AGENT_STATE_BRIDGE_MAX_BATCH_SIZE", "", "AGENT_STATE_BRIDGE_SOURCE_PASSWORD", ""));
        assertThat(values.get(Settings.MAX_BATCH_SIZE)).isEqualTo(Settings.MAX_BATCH_SIZE.defaultTyped());
        assertThat(values.get(Settings.SOURCE_PASSWORD)).isNull();
    }

    @Test
    void everyProblemIsReportedTogetherAndNoneFallsBackToADefault() {
        assertThatThrownBy(() -> SettingsResolver.resolve(Settings.RUN, Map.of("--max-batch-size", "many", "--http-port", "-1"),
                Map.of("AGENT_STATE_BRIDGE_LAG_WARN_SECONDS", "0", "AGENT_STATE_BRIDGE_LOG_LEVEL", "verbose",
                        "AGENT_STATE_BRIDGE_SLOTT", "x", "BRIDGE_NAME", "old", "BRIDGE_SERVICE_HOST", "10.0.0.1")))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "unknown environment variable AGENT_STATE_BRIDGE_SLOTT (did you mean AGENT_STATE_BRIDGE_SLOT?)",
                        "BRIDGE_NAME is set, but the bridge's variables now start with AGENT_STATE_BRIDGE_: rename it "
                                + "AGENT_STATE_BRIDGE_NAME (or unset it, if it is not meant for the bridge)",
                        "--source-url (or AGENT_STATE_BRIDGE_SOURCE_URL) is required: " + SettingType.DATABASE_URL.expected(),
                        "--target-url (or AGENT_STATE_BRIDGE_TARGET_URL) is required: " + SettingType.DATABASE_URL.expected(),
                        "--max-batch-size must be an integer from 1 to 100000, got 'many'",
                        "--http-port must be between 0 and 65535, got '-1'",
                        "AGENT_STATE_BRIDGE_LAG_WARN_SECONDS must be a number above 0, got '0'",
                        "AGENT_STATE_BRIDGE_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got 'verbose'"));
    }

    @Test
    void passwordGivenApartFromTheUrlReachesTheDriverButNoMessage() throws IOException {
        Path file = Files.writeString(files.resolve("source-password"), SENTINEL + "&=+ %é\n");
        SettingValues values = SettingsResolver.resolve(Settings.DATABASES, Map.of("--source-url", SOURCE, "--target-url", TARGET,
                "--source-password-file", file.toString()), Map.of("AGENT_STATE_BRIDGE_TARGET_PASSWORD", SENTINEL + "-target"));
        DatabaseUrl source = values.get(Settings.SOURCE_URL);
        assertThat(source.password().value()).isEqualTo(SENTINEL + "&=+ %é");
        assertThat(source.user()).isEqualTo("agent_state_bridge");
        assertThat(values.get(Settings.TARGET_URL).password().value()).isEqualTo(SENTINEL + "-target");
        assertThat(List.of(source.toString(), source.redacted(), source.describe(), values.get(Settings.SOURCE_PASSWORD).toString()))
                .noneMatch(shown -> shown.contains(SENTINEL));
        assertThat(values.warnings()).isEmpty();
    }

    @Test
    void aPasswordInTheUrlAndApartIsGivenTwice() {
        assertThatThrownBy(() -> SettingsResolver.resolve(Settings.DATABASES, Map.of("--source-url", SOURCE + "&password=" + SENTINEL,
                "--target-url", TARGET), Map.of("AGENT_STATE_BRIDGE_SOURCE_PASSWORD", SENTINEL)))
                .isInstanceOf(SettingsException.class)
                .hasMessage("the password for --source-url is given twice: as password= in --source-url and by "
                        + "AGENT_STATE_BRIDGE_SOURCE_PASSWORD; keep one");
    }

    @Test
    void aPasswordOnTheCommandLineWorksWithAWarningAndOneInAVariableWithout() {
        SettingValues onCommandLine = SettingsResolver.resolve(Settings.DATABASES, Map.of("--source-url", SOURCE + "&password=" + SENTINEL,
                "--target-url", TARGET), Map.of());
        assertThat(onCommandLine.get(Settings.SOURCE_URL).password().value()).isEqualTo(SENTINEL);
        assertThat(onCommandLine.warnings()).singleElement().asString().contains("--source-url carries a password")
                .contains("AGENT_STATE_BRIDGE_SOURCE_PASSWORD").doesNotContain(SENTINEL);
        SettingValues inVariable = SettingsResolver.resolve(Settings.DATABASES, Map.of("--target-url", TARGET),
                Map.of("AGENT_STATE_BRIDGE_SOURCE_URL", SOURCE + "&password=" + SENTINEL));
        assertThat(inVariable.warnings()).isEmpty();
    }

    @Test
    void unreadablePasswordFilesAreNamedWithoutTheirContents() throws IOException {
        Path empty = Files.writeString(files.resolve("empty"), "\n" + SENTINEL);
        assertThatThrownBy(() -> SettingsResolver.resolve(Settings.DATABASES, Map.of("--source-url", SOURCE, "--target-url", TARGET,
                "--source-password-file", empty.toString()), Map.of("AGENT_STATE_BRIDGE_TARGET_PASSWORD_FILE", "/nonexistent/pw")))
                .isInstanceOfSatisfying(SettingsException.class, e -> assertThat(e.problems()).containsExactly(
                        "--source-password-file names " + empty + ", whose first line is empty; it must be the password",
                        "AGENT_STATE_BRIDGE_TARGET_PASSWORD_FILE names /nonexistent/pw, which does not exist"))
                .hasMessageNotContaining(SENTINEL);
    }

    @Test
    void aPasswordGivenTwoWaysApartFromTheUrlIsRefused() throws IOException {
        Path file = Files.writeString(files.resolve("pw"), SENTINEL);
        assertThatThrownBy(() -> SettingsResolver.resolve(Settings.DATABASES, Map.of("--source-url", SOURCE, "--target-url", TARGET),
                Map.of("AGENT_STATE_BRIDGE_SOURCE_PASSWORD", SENTINEL, "AGENT_STATE_BRIDGE_SOURCE_PASSWORD_FILE", file.toString())))
                .isInstanceOf(SettingsException.class)
                .hasMessage("the source password is given twice: by AGENT_STATE_BRIDGE_SOURCE_PASSWORD and by "
                        + "AGENT_STATE_BRIDGE_SOURCE_PASSWORD_FILE; keep one");
    }

    @Test
    void withoutAPasswordTheDriverTakesItFromThePostgresqlPasswordFile() throws IOException {
        // The driver (42.7) reads PGPASSFILE, or this property, or ~/.pgpass, when a URL has no password.
        Path pgpass = Files.writeString(files.resolve("pgpass"), "writes.example.com:5432:agents:agent_state_bridge:" + SENTINEL + "\n");
        String before = System.setProperty("org.postgresql.pgpassfile", pgpass.toString());
        try {
            SettingValues values = SettingsResolver.resolve(Settings.DATABASES, Map.of("--source-url", SOURCE, "--target-url", TARGET),
                    Map.of());
            assertThat(values.get(Settings.SOURCE_URL).password().value()).isEqualTo(SENTINEL);
            assertThat(values.get(Settings.TARGET_URL).password().value()).isEmpty();
        } finally {
            if (before == null) {
                System.clearProperty("org.postgresql.pgpassfile");
            } else {
                System.setProperty("org.postgresql.pgpassfile", before);
            }
        }
    }
}
