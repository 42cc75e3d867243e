package io.agentstatebridge.bridge.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A marker row in the source's heartbeat table: written on the source, it travels the
 * replication stream behind everything committed before it, so once the read side's replica of
 * the heartbeat table holds it, the read side has applied all of that. `verify` and `resnapshot`
 * use it to know when the read side has caught up with a moment on the source.
 */
public final class StreamMarker {
    private static final String WRITE = "INSERT INTO agent_state_bridge.heartbeat (bridge_name, beat_at, marker) "
            + "VALUES (?, now(), ?) ON CONFLICT (bridge_name) DO UPDATE SET beat_at = now(), marker = EXCLUDED.marker";

    private StreamMarker() {
    }

    /** Writes {@code marker} under {@code row} (a name of its own, never the bridge's heartbeat row). */
    public static void write(Connection source, String row, long marker) throws SQLException {
        try (PreparedStatement write = source.prepareStatement(WRITE)) {
            write.setString(1, row);
            write.setLong(2, marker);
            write.executeUpdate();
        }
    }

    /** Whether {@code marker} has reached the replica {@code heartbeatTable} (schema-qualified) on the read side. */
    public static boolean arrived(Connection readSide, String heartbeatTable, String row, long marker) throws SQLException {
        try (PreparedStatement read = readSide.prepareStatement("SELECT marker FROM " + heartbeatTable + " WHERE bridge_name = ?")) {
            read.setString(1, row);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() && rs.getLong(1) == marker;
            }
        }
    }
}
