package io.agentstatebridge.kafkasink.position;

import io.agentstatebridge.projections.apply.Lsn;
import io.agentstatebridge.projections.apply.SqlResource;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The sink's positions on the read side, per source and topic-partition (and per agent, for readers
 * waiting for their writes). Each method runs in the caller's read-side transaction, the one that
 * applies the changes, so data and positions commit or vanish together.
 */
public final class SinkPositions {
    private final String sourceName;
    private final String read = SqlResource.load("kafka-sink/read_positions.sql");
    private final String create = SqlResource.load("kafka-sink/create_positions.sql");
    private final String lock = SqlResource.load("kafka-sink/lock_positions.sql");
    private final String save = SqlResource.load("kafka-sink/save_position.sql");
    private final String saveAgents = SqlResource.load("kafka-sink/save_agents.sql");

    public SinkPositions(String sourceName) {
        this.sourceName = sourceName;
    }

    /** Positions stored for any partition of {@code topics}, to seek to when they are assigned. */
    public Map<PartitionId, Long> nextOffsets(Connection connection, Collection<String> topics) throws SQLException {
        Map<PartitionId, Long> offsets = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(read)) {
            select.setString(1, sourceName);
            select.setArray(2, connection.createArrayOf("text", topics.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    offsets.put(new PartitionId(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        return offsets;
    }

    /**
     * Creates the positions of partitions seen for the first time, then locks them all until the
     * transaction ends (see lock_positions.sql) and returns how far each is applied.
     */
    public Map<PartitionId, AppliedPosition> lock(Connection connection, Collection<PartitionId> partitions) throws SQLException {
        SortedSet<PartitionId> sorted = new TreeSet<>(partitions);
        Array topics = connection.createArrayOf("text", sorted.stream().map(PartitionId::topic).toArray());
        Array numbers = connection.createArrayOf("integer", sorted.stream().map(PartitionId::partition).toArray());
        try (PreparedStatement insert = connection.prepareStatement(create)) {
            insert.setString(1, sourceName);
            insert.setArray(2, topics);
            insert.setArray(3, numbers);
            insert.executeUpdate();
        }
        Map<PartitionId, AppliedPosition> positions = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(lock)) {
            select.setArray(1, topics);
            select.setArray(2, numbers);
            select.setString(3, sourceName);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    long commit = rs.getLong(4);
                    boolean noSequence = rs.wasNull();
                    long change = rs.getLong(5);
                    SourceSequence last = noSequence ? null : new SourceSequence(commit, change);
                    positions.put(new PartitionId(rs.getString(1), rs.getInt(2)), new AppliedPosition(rs.getLong(3), last));
                }
            }
        }
        return positions;
    }

    /** Stores what a batch applied of each partition; the partitions are locked by {@link #lock}. */
    public void save(Connection connection, Map<PartitionId, PartitionProgress> progress) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(save)) {
            for (Map.Entry<PartitionId, PartitionProgress> entry : progress.entrySet()) {
                PartitionProgress p = entry.getValue();
                update.setLong(1, p.nextOffset());
                update.setString(2, p.lsn() == 0 ? null : Lsn.format(p.lsn()));
                if (p.committedAt() == null) {
                    update.setNull(3, Types.TIMESTAMP_WITH_TIMEZONE);
                } else {
                    update.setTimestamp(3, Timestamp.from(p.committedAt()));
                }
                if (p.lastSequence() == null) {
                    update.setNull(4, Types.BIGINT);
                    update.setNull(5, Types.BIGINT);
                } else {
                    update.setLong(4, p.lastSequence().commitLsn());
                    update.setLong(5, p.lastSequence().changeLsn());
                }
                update.setLong(6, p.changes());
                update.setString(7, sourceName);
                update.setString(8, entry.getKey().topic());
                update.setInt(9, entry.getKey().partition());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** Stores, per agent the batch changed, where it lives and its last applied transaction. */
    public void saveAgents(Connection connection, Collection<AgentProgress> agents) throws SQLException {
        if (agents.isEmpty()) {
            return;
        }
        List<String> ids = new ArrayList<>(agents.size());
        List<String> topics = new ArrayList<>(agents.size());
        List<Integer> partitions = new ArrayList<>(agents.size());
        List<Long> txIds = new ArrayList<>(agents.size());
        List<String> lsns = new ArrayList<>(agents.size());
        for (AgentProgress agent : agents) {
            ids.add(agent.agentId());
            topics.add(agent.partition().topic());
            partitions.add(agent.partition().partition());
            txIds.add(agent.txId());
            lsns.add(agent.lsn() == 0 ? null : Lsn.format(agent.lsn()));
        }
        try (PreparedStatement upsert = connection.prepareStatement(saveAgents)) {
            upsert.setString(1, sourceName);
            upsert.setArray(2, connection.createArrayOf("text", ids.toArray()));
            upsert.setArray(3, connection.createArrayOf("text", topics.toArray()));
            upsert.setArray(4, connection.createArrayOf("integer", partitions.toArray()));
            upsert.setArray(5, connection.createArrayOf("bigint", txIds.toArray()));
            upsert.setArray(6, connection.createArrayOf("text", lsns.toArray()));
            upsert.executeUpdate();
        }
    }
}
