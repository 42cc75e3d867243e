package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.RoleSettings;
import io.agentstatebridge.bridge.config.SettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How `migrate --create-roles` reads role names and passwords; no database involved. */
class RoleOptionsTest {
    @TempDir
    Path files;

    @Test
    void defaultsNameTheThreeRolesWithoutPasswords() {
        RoleSettings roles = options(true).settings(Map.of());
        assertThat(roles.writer().name()).isEqualTo("agent_writer");
        assertThat(roles.bridge().name()).isEqualTo("agent_state_bridge");
        assertThat(roles.reader().name()).isEqualTo("agent_reader");
        assertThat(roles.writer().hasPassword() || roles.bridge().hasPassword() || roles.reader().hasPassword()).isFalse();
    }

    @Test
    void namesAndPasswordsComeFromTheEnvironmentAndPasswordsStayHidden() {
        RoleSettings roles = options(true).settings(Map.of("BRIDGE_READER_ROLE", "dashboards",
                "BRIDGE_BRIDGE_ROLE_PASSWORD", "env-secret"));
        assertThat(roles.reader().name()).isEqualTo("dashboards");
        assertThat(roles.bridge().password().value()).isEqualTo("env-secret");
        assertThat(roles.toString()).doesNotContain("env-secret");
    }

    @Test
    void passwordFileGivesItsFirstLine() throws IOException {
        RoleOptions options = options(true);
        options.writerPasswordFile = Files.writeString(files.resolve("writer"), "file-secret\nignored\n");
        assertThat(options.settings(Map.of()).writer().password().value()).isEqualTo("file-secret");
    }

    @Test
    void aPasswordGivenTwiceOrEmptyIsRejected() throws IOException {
        RoleOptions twice = options(true);
        twice.readerPasswordFile = Files.writeString(files.resolve("reader"), "one\n");
        assertThatThrownBy(() -> twice.settings(Map.of("BRIDGE_READER_ROLE_PASSWORD", "two")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("--reader-role-password-file and by BRIDGE_READER_ROLE_PASSWORD");
        RoleOptions empty = options(true);
        empty.bridgePasswordFile = Files.writeString(files.resolve("bridge"), "\n");
        assertThatThrownBy(() -> empty.settings(Map.of()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("is empty");
    }

    @Test
    void roleOptionsWithoutCreateRolesAreRejectedRatherThanIgnored() {
        RoleOptions options = options(false);
        assertThat(options.settings(Map.of())).isNull();
        options.writerRole = "agents";
        assertThatThrownBy(() -> options.settings(Map.of()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("only apply with --create-roles");
    }

    @Test
    void publicationWithoutCreateRolesIsRejectedBeforeTouchingADatabase() {
        StringWriter output = new StringWriter();
        PrintWriter writer = new PrintWriter(output, true);
        int exitCode = BridgeCommand.execute(writer, writer, "migrate", "--publication", "mine",
                "--source-url", "jdbc:postgresql://127.0.0.1:1/nowhere", "--target-url", "jdbc:postgresql://127.0.0.1:1/nowhere");
        assertThat(exitCode).as(output.toString()).isEqualTo(BridgeCommand.EXIT_SETUP);
        assertThat(output.toString()).contains("--publication only applies with --create-roles");
    }

    @Test
    void oneRoleCannotHoldTwoJobs() {
        RoleOptions options = options(true);
        options.readerRole = "agent_writer";
        assertThatThrownBy(() -> options.settings(Map.of()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("'agent_writer' is named twice");
    }

    private static RoleOptions options(boolean createRoles) {
        RoleOptions options = new RoleOptions();
        options.createRoles = createRoles;
        return options;
    }
}
