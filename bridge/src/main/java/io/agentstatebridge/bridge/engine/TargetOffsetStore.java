package io.agentstatebridge.bridge.engine;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>The engine instantiates this class reflectively; the read-side connection it needs is
 * registered under the bridge name beforehand.
 */
public final class TargetOffsetStore implements OffsetBackingStore {
    private static final Logger LOG = LoggerFactory.getLogger(TargetOffsetStore.class);

    /** Engine property naming the registration this store reads from. */
    public static final String BRIDGE_NAME_PROPERTY = "agent.state.bridge.name";

    /** The live position table; a rebuild keeps its own in its shadow schema. */
    static final String POSITION_TABLE = "agent_state_bridge.source_position";

    private record Registration(DataSource target, String positionTable) {
    }

    private static final Map<String, Registration> TARGETS = new ConcurrentHashMap<>();

    private DataSource target;
    private String positionTable;
    private String bridgeName;
    /** The offset last read, for when the read side is briefly unreachable (see {@link #get}). */
    private volatile String lastRead;

    public static void register(String bridgeName, DataSource target) {
        register(bridgeName, target, POSITION_TABLE);
    }

    /** For a stream whose applier keeps its position in {@code positionTable}. */
    static void register(String bridgeName, DataSource target, String positionTable) {
        TARGETS.put(bridgeName, new Registration(target, positionTable));
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
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    /**
     * The bridge's stored offset, for whichever key the engine asks: a PostgreSQL connector has a
     * single source partition, so there is exactly one offset per bridge.
     *
     * <p>Besides at start, the connector asks on every periodic commit, to learn which position it
     * may confirm to the slot. If the read side is unreachable then, the offset read last is
     * returned: it is at or behind what the read side holds, so at worst the slot keeps a little
     * more WAL until the next commit, whereas failing would end the connector in the middle of an
     * outage the bridge is built to ride out. Only a first read has nothing to fall back on.
     */
    @Override
    public Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        String stored;
        try {
            stored = storedOffset();
            lastRead = stored;
        } catch (SQLException e) {
            if (lastRead == null) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "cannot read the stored source position from the read-side database: " + e.getMessage(), e));
            }
            LOG.debug("read side unreachable while the connector commits; confirming the offset read last: {}",
                    e.getMessage());
            stored = lastRead;
        }
        Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
        if (stored != null) {
            for (ByteBuffer key : keys) {
                offsets.put(key, ByteBuffer.wrap(stored.getBytes(StandardCharsets.UTF_8)));
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
