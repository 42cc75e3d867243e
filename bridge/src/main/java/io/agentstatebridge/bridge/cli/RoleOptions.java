package io.agentstatebridge.bridge.cli;

import io.agentstatebridge.bridge.config.Role;
import io.agentstatebridge.bridge.config.RoleSettings;
import io.agentstatebridge.bridge.config.Secret;
import io.agentstatebridge.bridge.config.SettingsException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The least-privilege roles `migrate --create-roles` creates. Passwords come from a file or an
 * environment variable, never from the command line, where other users of the machine and the
 * shell's history would see them. A role without a password is created without one: the writer
 * and reader as group roles (NOLOGIN) to grant to existing login roles, the bridge as a login role
 * to authenticate some other way (a certificate, or a password set later).
 */
final class RoleOptions {
    @Option(names = "--create-roles",
            description = "Also create least-privilege roles: a writer for agents and the bridge's role on the source, the "
                    + "bridge's role and a read-only reader on the target; and create the publication, so the bridge's role "
                    + "needs no CREATE. Run as a superuser. Safe to repeat.")
    boolean createRoles;

    @Option(names = "--writer-role", paramLabel = "NAME",
            description = "Role agents write as: SELECT, INSERT on agent_events and agent_sessions, UPDATE of a "
                    + "session's user_id and metadata; nothing else. "
                    + "Env: BRIDGE_WRITER_ROLE. Default: " + RoleSettings.DEFAULT_WRITER + ".")
    String writerRole;

    @Option(names = "--bridge-role", paramLabel = "NAME",
            description = "Role the bridge connects as, on both databases. Env: BRIDGE_BRIDGE_ROLE. Default: "
                    + RoleSettings.DEFAULT_BRIDGE + ".")
    String bridgeRole;

    @Option(names = "--reader-role", paramLabel = "NAME",
            description = "Read-only role for readers of the read side. Env: BRIDGE_READER_ROLE. Default: "
                    + RoleSettings.DEFAULT_READER + ".")
    String readerRole;

    @Option(names = "--writer-role-password-file", paramLabel = "FILE",
            description = "File whose first line is the writer role's password (or env BRIDGE_WRITER_ROLE_PASSWORD); "
                    + "without one the role is NOLOGIN, to be granted to your agents' login roles.")
    Path writerPasswordFile;

    @Option(names = "--bridge-role-password-file", paramLabel = "FILE",
            description = "File whose first line is the bridge role's password (or env BRIDGE_BRIDGE_ROLE_PASSWORD).")
    Path bridgePasswordFile;

    @Option(names = "--reader-role-password-file", paramLabel = "FILE",
            description = "File whose first line is the reader role's password (or env BRIDGE_READER_ROLE_PASSWORD); "
                    + "without one the role is NOLOGIN, to be granted to your readers' login roles.")
    Path readerPasswordFile;

    /** The roles to create, or null without --create-roles; role options given without it are an error. */
    RoleSettings settings(Map<String, String> environment) {
        if (!createRoles) {
            if (writerRole != null || bridgeRole != null || readerRole != null
                    || writerPasswordFile != null || bridgePasswordFile != null || readerPasswordFile != null) {
                throw new SettingsException("role options (--writer-role, --bridge-role, --reader-role and their password "
                        + "files) only apply with --create-roles");
            }
            return null;
        }
        return new RoleSettings(
                role("writer", writerRole, RoleSettings.DEFAULT_WRITER, writerPasswordFile, environment),
                role("bridge", bridgeRole, RoleSettings.DEFAULT_BRIDGE, bridgePasswordFile, environment),
                role("reader", readerRole, RoleSettings.DEFAULT_READER, readerPasswordFile, environment));
    }

    private static Role role(String job, String option, String defaultName, Path passwordFile, Map<String, String> environment) {
        String name = option != null ? option : environment.getOrDefault("BRIDGE_" + job.toUpperCase(Locale.ROOT) + "_ROLE", defaultName);
        return new Role(name, password(job, passwordFile, environment));
    }

    private static Secret password(String role, Path file, Map<String, String> environment) {
        String variable = "BRIDGE_" + role.toUpperCase(Locale.ROOT) + "_ROLE_PASSWORD";
        String fromEnvironment = environment.get(variable);
        if (file != null && fromEnvironment != null) {
            throw new SettingsException("the " + role + " role's password is given twice: by --" + role
                    + "-role-password-file and by " + variable + "; keep one");
        }
        if (file == null) {
            return fromEnvironment == null ? null : new Secret(fromEnvironment);
        }
        try {
            String firstLine = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (firstLine.isEmpty()) {
                throw new SettingsException("--" + role + "-role-password-file " + file + " is empty; its first line is the password");
            }
            return new Secret(firstLine);
        } catch (IOException e) {
            throw new SettingsException("cannot read --" + role + "-role-password-file " + file + ": " + e.getMessage());
        }
    }
}
