package io.agentstatebridge.bridge.status;

import io.agentstatebridge.projections.apply.SqlResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Lag as the read side computes it, and whether the read side answered. While it cannot be reached
 * nothing can be applied to it, so its lag grows with the clock from the last figure read: that is
 * what is shown. Used on the status reporter's thread only.
 */
final class ReadSideLag {
    private static final Logger LOG = LoggerFactory.getLogger(ReadSideLag.class);
    private static final String QUERY = SqlResource.load("status/lag.sql");

    private final DataSource target;
    private final String bridgeName;
    private boolean reachable = true;
    private Double lagRead;
    private long lagReadNanos;

    ReadSideLag(DataSource target, String bridgeName) {
        this.target = target;
        this.bridgeName = bridgeName;
    }

    /** The lag now; {@code lastShown} when the read side has never answered. */
    Double read(Double lastShown) {
        try (Connection connection = target.getConnection(); PreparedStatement query = connection.prepareStatement(QUERY)) {
            query.setString(1, bridgeName);
            Double lag = null;
            try (ResultSet rs = query.executeQuery()) {
                if (rs.next()) {
                    double seconds = rs.getDouble(1);
                    lag = rs.wasNull() ? null : Math.max(0, seconds);
                }
            }
            reachable = true;
            lagReadNanos = System.nanoTime();
            lagRead = lag;
            return lag;
        } catch (SQLException e) {
            reachable = false;
            LOG.debug("lag unavailable: {}", e.getMessage());
        }
        return lagRead == null ? lastShown : lagRead + (System.nanoTime() - lagReadNanos) / 1e9;
    }

    /** Whether the read side answered the last {@link #read}. */
    boolean reachable() {
        return reachable;
    }
}
