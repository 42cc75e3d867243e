package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.RoleSettings;
import io.agentstatebridge.bridge.config.SettingValues;
import io.agentstatebridge.bridge.config.Settings;
import io.agentstatebridge.bridge.config.SettingsException;
import io.agentstatebridge.bridge.config.SettingsResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How `migrate --create-roles` reads role names and passwords; no database involved. */
class MigrateSettingsTest {
    private static final String URLS = "jdbc:postgresql://127.0.0.1:1/nowhere";

    @TempDir
    Path files;

    @Test
    void defaultsNameTheThreeRolesWithoutPasswords() {
        RoleSettings roles = RoleSettings.of(resolve(Map.of("--create-roles", "true"), Map.of()));
        assertThat(roles.writer().name()).isEqualTo("agent_writer");
        assertThat(roles.bridge().name()).isEqualTo("agent_state_bridge");
        assertThat(roles.reader().name()).isEqualTo("agent_reader");
        assertThat(roles.writer().hasPassword() || roles.bridge().hasPassword() || roles.reader().hasPassword()).isFalse();
    }

    @Test
    void namesAndPasswordsComeFromTheEnvironmentAndPasswordsStayHidden() {
        RoleSettings roles = RoleSettings.of(resolve(Map.of("--create-roles", "true"), Map.of(
                "AGENT_STATE_BRIDGE_READER_ROLE", "dashboards", "AGENT_STATE_BRIDGE_BRIDGE_ROLE_PASSWORD", "env-secret")));
        assertThat(roles.reader().name()).isEqualTo("dashboards");
        assertThat(roles.bridge().password().value()).isEqualTo("env-secret");
        assertThat(roles.toString()).doesNotContain("env-secret");
    }

    @Test
    void passwordFileGivesItsFirstLine() throws IOException {
        Path writer = Files.writeString(files.resolve("writer"), "file-secret\nignored\n");
        Path reader = Files.writeString(files.resolve("reader"), "other-secret\r\n");
        RoleSettings roles = RoleSettings.of(resolve(Map.of("--create-roles", "true", "--writer-role-password-file", writer.toString()),
                Map.of("AGENT_STATE_BRIDGE_READER_ROLE_PASSWORD_FILE", reader.toString())));
        assertThat(roles.writer().password().value()).isEqualTo("file-secret");
        assertThat(roles.reader().password().value()).isEqualTo("other-secret");
    }

    @Test
    void aPasswordGivenTwiceOrEmptyIsRejectedTogetherWithTheOtherProblems() throws IOException {
        Path reader = Files.writeString(files.resolve("reader"), "s3cr3t-in-file\n");
        Path empty = Files.writeString(files.resolve("bridge"), "\n");
        assertThatThrownBy(() -> resolve(Map.of("--create-roles", "true", "--reader-role-password-file", reader.toString(),
                "--bridge-role-password-file", empty.toString()), Map.of("AGENT_STATE_BRIDGE_READER_ROLE_PASSWORD", "s3cr3t-in-env")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("2 problems")
                .hasMessageContaining("the reader role password is given twice: by --reader-role-password-file and by "
                        + "AGENT_STATE_BRIDGE_READER_ROLE_PASSWORD; keep one")
                .hasMessageContaining("whose first line is empty")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void roleOptionsWithoutCreateRolesAreRejectedRatherThanIgnored() {
        assertThat(resolve(Map.of(), Map.of("AGENT_STATE_BRIDGE_WRITER_ROLE", "agents")).given(Settings.WRITER_ROLE))
                .as("a variable may be meant for a later --create-roles").isTrue();
        assertThatThrownBy(() -> resolve(Map.of("--writer-role", "agents"), Map.of()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("--writer-role only applies with --create-roles");
    }

    @Test
    void publicationWithoutCreateRolesIsRejectedBeforeTouchingADatabase() {
        StringWriter output = new StringWriter();
        PrintWriter writer = new PrintWriter(output, true);
        int exitCode = BridgeCommand.execute(writer, writer, "migrate", "--publication", "mine",
                "--source-url", URLS, "--target-url", URLS);
        assertThat(exitCode).as(output.toString()).isEqualTo(BridgeCommand.EXIT_SETUP);
        assertThat(output.toString()).contains("--publication only applies with --create-roles");
    }

    @Test
    void oneRoleCannotHoldTwoJobs() {
        assertThatThrownBy(() -> resolve(Map.of("--create-roles", "true", "--reader-role", "agent_writer"), Map.of()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("'agent_writer' is named twice");
    }

    private static SettingValues resolve(Map<String, String> options, Map<String, String> environment) {
        MigrateCommand migrate = new MigrateCommand();
        Map<String, String> commandLine = new HashMap<>(options);
        commandLine.put("--source-url", URLS);
        commandLine.put("--target-url", URLS);
        return SettingsResolver.resolve(migrate.settings(), commandLine, environment, migrate::check);
    }
}
