package io.agentstatebridge.kafkasink.connect;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agentstatebridge.kafkasink.apply.SinkApplier;
import io.agentstatebridge.kafkasink.apply.SinkChange;
import io.agentstatebridge.kafkasink.apply.TransientFailures;
import io.agentstatebridge.kafkasink.position.PartitionId;
import io.agentstatebridge.projections.apply.ApplyLeaseLostException;
import io.agentstatebridge.projections.apply.ProjectionApplier;
import io.agentstatebridge.projections.schema.SchemaMigrations;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Applies the partitions Connect assigns to this task. The read side, not Kafka, holds the truth of
 * how far each partition is applied: on assignment the task seeks there, each delivery is applied
 * with the positions it reaches in one read-side transaction, and the offsets it reports for Connect
 * to commit are those stored positions. Connect's own commits only save re-reading.
 */
public final class ProjectionSinkTask extends SinkTask {
    static final String VERSION = "0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionSinkTask.class);

    /** Next offset to apply per assigned partition, as last committed to the read side. */
    private final Map<TopicPartition, Long> applied = new ConcurrentHashMap<>();
    private HikariDataSource readSide;
    private SinkApplier sink;
    private DebeziumChangeMapper mapper;

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        SinkSettings settings = new SinkSettings(props);
        int taskIndex = Integer.parseInt(props.getOrDefault(SinkSettings.TASK_INDEX, "0"));
        readSide = pool(settings, taskIndex);
        try {
            if (settings.migrate()) {
                SchemaMigrations.migrateReadSide(readSide);
            }
            // Taking over fences an earlier instance of the same task still running on a worker
            // presumed dead: its transactions fail from now on instead of committing.
            ProjectionApplier applier = ProjectionApplier.takeOver(readSide, settings.applierName(taskIndex));
            sink = new SinkApplier(readSide, applier, settings.sourceName());
        } catch (SQLException | RuntimeException e) {
            readSide.close();
            throw new ConnectException("cannot start applying to the read side at " + settings.readSideUrl() + ": "
                    + e.getMessage() + ". Check " + SinkSettings.READ_SIDE_URL + ", " + SinkSettings.READ_SIDE_USER
                    + " and its privileges", e);
        }
        mapper = new DebeziumChangeMapper(settings.unavailableValuePlaceholder());
        LOG.info("sink task {} applies source '{}' to {}", taskIndex, settings.sourceName(), settings.readSideUrl());
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        Set<String> topics = partitions.stream().map(TopicPartition::topic).collect(Collectors.toSet());
        Map<PartitionId, Long> stored;
        try {
            stored = sink.nextOffsets(topics);
        } catch (SQLException e) {
            throw new ConnectException("cannot read the sink's positions from the read side: " + e.getMessage(), e);
        }
        Map<TopicPartition, Long> seek = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long next = stored.get(new PartitionId(tp.topic(), tp.partition()));
            if (next == null) {
                // Nothing of it is on this read side, whatever Kafka's committed offsets say (a new or
                // restored read side): from the start. The topic must still hold its whole history.
                LOG.info("no position for {} on the read side: applying it from its first record", tp);
                next = 0L;
            }
            seek.put(tp, next);
            applied.put(tp, next);
        }
        if (!seek.isEmpty()) {
            context.offset(seek);
        }
        LOG.debug("assigned {}; resuming at {}", partitions, seek);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        List<SinkChange> changes = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            Long next = applied.get(new TopicPartition(record.topic(), record.kafkaPartition()));
            if (next == null || record.kafkaOffset() >= next) {
                changes.add(mapper.toChange(record));
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        try {
            sink.apply(changes).forEach((id, next) -> applied.put(new TopicPartition(id.topic(), id.partition()), next));
        } catch (ApplyLeaseLostException e) {
            throw new ConnectException("another instance of this task took over applying (" + e.getMessage()
                    + "); this one stops so that only one writes", e);
        } catch (SQLException e) {
            if (TransientFailures.isTransient(e)) {
                // Connect delivers the same records again; whatever had committed is skipped then.
                throw new RetriableException("applying to the read side failed and will be retried: " + e.getMessage(), e);
            }
            throw new ConnectException("applying to the read side failed: " + e.getMessage()
                    + ". Fix the cause and restart the task; it resumes where the read side says", e);
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        for (TopicPartition tp : currentOffsets.keySet()) {
            Long next = applied.get(tp);
            if (next != null) {
                committed.put(tp, new OffsetAndMetadata(next));
            }
        }
        return committed;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        partitions.forEach(applied::remove);
    }

    @Override
    public void stop() {
        if (readSide != null) {
            readSide.close();
        }
    }

    private static HikariDataSource pool(SinkSettings settings, int taskIndex) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.readSideUrl());
        if (!settings.readSideUser().isEmpty()) {
            config.setUsername(settings.readSideUser());
        }
        if (!settings.readSidePassword().value().isEmpty()) {
            config.setPassword(settings.readSidePassword().value());
        }
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setPoolName("agent-state-bridge-sink-" + taskIndex);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}
