package io.agentstatebridge.bridge.source;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Decides from the SQLSTATE whether a failed read-side transaction is worth retrying: lost
 * connections, server restarts, serialization failures and deadlocks pass; constraint violations,
 * missing tables and bad data do not, because retrying them would only repeat the failure.
 */
public final class TransientFailures {
    private static final Set<String> RETRYABLE_STATES = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "53300", // too_many_connections
            "55P03", // lock_not_available
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03"  // cannot_connect_now
    );

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // The pool's "no connection within the timeout" carries the SQLSTATE of the last
            // failed attempt, if there was one; it is a connection problem either way.
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || RETRYABLE_STATES.contains(state))) {
                    return true;
                }
            }
        }
        return false;
    }
}
