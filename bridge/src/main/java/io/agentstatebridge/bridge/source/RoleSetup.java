package io.agentstatebridge.bridge.source;

import io.agentstatebridge.bridge.config.Role;
import io.agentstatebridge.bridge.config.RoleSettings;
import io.agentstatebridge.projections.apply.SqlResource;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLWarning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Creates the least-privilege roles of `migrate --create-roles` and grants them exactly what they
 * need, running {@code roles/*.sql} on a connection of the tables' owner. Safe to repeat. Role
 * names travel as settings and are quoted by PostgreSQL; passwords are hashed (SCRAM-SHA-256) by
 * the driver, so the server, its logs and its statement statistics never see them in clear.
 */
public final class RoleSetup {
    private RoleSetup() {
    }

    /** The writer and bridge roles on the write side; returns what was done, one line per role. */
    public static List<String> onSource(Connection source, RoleSettings roles) throws SQLException {
        return apply(source, "roles/source_roles.sql", Map.of(
                "writer_role", roles.writer().name(),
                "bridge_role", roles.bridge().name(),
                "writer_login", Boolean.toString(roles.writer().hasPassword())), List.of(roles.writer(), roles.bridge()));
    }

    /** The bridge and reader roles on the read side; returns what was done, one line per role. */
    public static List<String> onTarget(Connection target, RoleSettings roles) throws SQLException {
        return apply(target, "roles/target_roles.sql", Map.of(
                "bridge_role", roles.bridge().name(),
                "reader_role", roles.reader().name(),
                "reader_login", Boolean.toString(roles.reader().hasPassword())), List.of(roles.bridge(), roles.reader()));
    }

    private static List<String> apply(Connection connection, String script, Map<String, String> parameters,
                                      List<Role> roles) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (PreparedStatement set = connection.prepareStatement("SELECT set_config(?, ?, true)")) {
                for (Map.Entry<String, String> parameter : parameters.entrySet()) {
                    set.setString(1, "agent_state_bridge." + parameter.getKey());
                    set.setString(2, parameter.getValue());
                    set.execute();
                }
            }
            List<String> notes = new ArrayList<>();
            try (Statement statement = connection.createStatement()) {
                // Notes and warnings come back as notices; make sure a stricter default lets them through.
                statement.execute("SET LOCAL client_min_messages = notice");
                statement.execute(SqlResource.load(script));
                for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
                    notes.add(describe(w));
                }
            }
            for (Role role : roles) {
                if (role.hasPassword()) {
                    connection.unwrap(PGConnection.class).alterUserPassword(role.name(), role.password().value().toCharArray(),
                            "scram-sha-256");
                    notes.add("role \"" + role.name() + "\": password set");
                }
            }
            connection.commit();
            return notes;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String describe(SQLWarning warning) {
        if (warning instanceof PSQLWarning notice && notice.getServerErrorMessage() != null) {
            var message = notice.getServerErrorMessage();
            String text = message.getMessage();
            if ("WARNING".equals(message.getSeverity())) {
                text = "warning: " + text + (message.getHint() == null ? "" : ". To prevent it: " + message.getHint());
            }
            return text;
        }
        return warning.getMessage();
    }
}
