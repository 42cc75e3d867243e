package io.agentstatebridge.tools.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * Visibility lag as a reader sees it: every ~20 ms, on the read side, the server clock minus the
 * newest last_event_at in agent_current_state. Writers stamp created_at inside their transaction,
 * so a sample is commit-to-visible lag plus the wait until the next commit (at most a few ms at
 * these rates). Samples taken before the phase's first event is visible are dropped. Runs on the
 * calling thread until the given end.
 */
final class LagSampler {
    private static final long INTERVAL_NANOS = 20_000_000;

    /** One sample: when (seconds into the phase) and how old the newest visible event was. */
    record Sample(double atSeconds, double lagMillis) {
    }

    private LagSampler() {
    }

    static Timestamp serverNow(Connection target) throws SQLException {
        try (PreparedStatement now = target.prepareStatement("SELECT clock_timestamp()");
             ResultSet rs = now.executeQuery()) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    static List<Sample> sample(Connection target, Timestamp phaseStart, long startNanos, long skipNanos, long endNanos)
            throws SQLException, InterruptedException {
        List<Sample> samples = new ArrayList<>();
        try (PreparedStatement lag = target.prepareStatement("SELECT EXTRACT(EPOCH FROM clock_timestamp() - max(last_event_at)) * 1000, "
                + "max(last_event_at) > ? FROM agent_current_state")) {
            lag.setTimestamp(1, phaseStart);
            long next = System.nanoTime();
            while (next < endNanos) {
                long now = System.nanoTime();
                if (now - startNanos >= skipNanos) {
                    try (ResultSet rs = lag.executeQuery()) {
                        if (rs.next() && rs.getBoolean(2)) {
                            samples.add(new Sample((now - startNanos) / 1e9, rs.getDouble(1)));
                        }
                    }
                }
                next += INTERVAL_NANOS;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } else {
                    next = System.nanoTime();
                }
            }
        }
        return samples;
    }
}
