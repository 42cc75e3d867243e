package io.agentstatebridge.kafkasink.apply;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Read-side failures worth trying the same batch again for: the database going away, deadlocks, conflicts. */
public final class TransientFailures {
    private TransientFailures() {
    }

    public static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null) {
            return false;
        }
        // 08: connection exceptions; 40: serialization failure, deadlock; 53: out of resources
        // (connections, memory, disk); 57P: the server shutting down or restarting.
        return state.startsWith("08") || state.startsWith("40") || state.startsWith("53") || state.startsWith("57P");
    }
}
