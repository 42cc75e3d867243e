package io.agentstatebridge.bridge.engine;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;


import javax.sql.DataSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * The connector's offset storage, backed by the read-side database.
 *
 * <p>Offsets are not written here: every batch writes its source offset in the transaction that
 * applies it (see {@code ProjectionApplier}), so data and position can never disagree. The engine's
 * periodic flush is therefore acknowledged without I/O; it still matters, because only after it
 * does the connector confirm the flushed LSN to the replication slot, letting PostgreSQL recycle WAL.
 *
 * <p>The connector reads the offset when its task starts, including each restart inside the
 * process after a lost source connection, and on every periodic commit, to learn which position it
 * may confirm to the slot. The first read in a process comes from the read side; after that the
 * answer is the offset this process last committed there ({@link AppliedOffset}), which is exactly
 * what the read side holds, since no other instance can commit under this one's lease. So a task
 * restart during a read-side outage resumes from what was applied, never from an older offset
 * (re-applying transactions would briefly take rows back while readers' positions already covered
 * them), and commits cost no query.
 *
 * <p>The engine instantiates this class reflectively; the read-side connection it needs is
 * registered under the bridge name beforehand.
 */
public final class TargetOffsetStore implements OffsetBackingStore {
    /** Engine property naming the registration this store reads from. */
    public static final String BRIDGE_NAME_PROPERTY = "agent.state.bridge.name";

    /** The live position table; a rebuild keeps its own in its shadow schema. */
    static final String POSITION_TABLE = "agent_state_bridge.source_position";

    private record Registration(DataSource target, String positionTable, AppliedOffset applied) {
    }

    private static final Map<String, Registration> TARGETS = new ConcurrentHashMap<>();

    private DataSource target;
    private String positionTable;
    private String bridgeName;
    private AppliedOffset applied;

    /** Registers the read side of {@code bridgeName}; the batch handler records what it commits in the result. */
    public static AppliedOffset register(String bridgeName, DataSource target) {
        return register(bridgeName, target, POSITION_TABLE);
    }

    /** For a stream whose applier keeps its position in {@code positionTable}. */
    static AppliedOffset register(String bridgeName, DataSource target, String positionTable) {
        AppliedOffset applied = new AppliedOffset();
        TARGETS.put(bridgeName, new Registration(target, positionTable, applied));
        return applied;
    }

    public static void unregister(String bridgeName) {
        TARGETS.remove(bridgeName);
    }

    @Override
    public void configure(WorkerConfig config) {
        bridgeName = (String) config.originals().get(BRIDGE_NAME_PROPERTY);
        Registration registration = TARGETS.get(bridgeName);
        if (registration == null) {
            throw new IllegalStateException("no read-side database registered for bridge '" + bridgeName + "'");
        }
        target = registration.target();
        positionTable = registration.positionTable();
        applied = registration.applied();
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    /**
     * The bridge's offset, for whichever key the engine asks: a PostgreSQL connector has a single
     * source partition, so there is exactly one offset per bridge. See the class comment for where
     * it comes from.
     */
    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        String offset = applied.get();
        if (offset == null) {
            try {
                offset = storedOffset(target, positionTable, bridgeName);
            } catch (SQLException e) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "cannot read the stored source position from the read-side database: " + e.getMessage(), e));
            }
            applied.initialise(offset);
        }
        Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
        if (offset != null) {
            byte[] value = ResumeOffsets.of(offset).getBytes(StandardCharsets.UTF_8);
            for (ByteBuffer key : keys) {
                offsets.put(key, ByteBuffer.wrap(value));
            }
        }
        return CompletableFuture.completedFuture(offsets);
    }
    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        if (callback != null) {
            callback.onCompletion(null, null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }

    private String storedOffset() throws SQLException {
        return storedOffset(target, positionTable, bridgeName);
    }

    /** The connector's offset stored for {@code bridgeName} in {@code positionTable}, or null. */
    static String storedOffset(DataSource target, String positionTable, String bridgeName) throws SQLException {
        try (Connection connection = target.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT source_offset FROM " + positionTable + " WHERE bridge_name = ?")) {
            query.setString(1, bridgeName);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
