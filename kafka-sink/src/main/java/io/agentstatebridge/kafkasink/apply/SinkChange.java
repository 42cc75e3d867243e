package io.agentstatebridge.kafkasink.apply;

import io.agentstatebridge.kafkasink.position.PartitionId;
import io.agentstatebridge.kafkasink.position.SourceSequence;
import io.agentstatebridge.projections.change.RowChange;

import java.time.Instant;
import java.util.Objects;

/**
 * One record of a change topic, as the sink applies it.
 *
 * @param partition   where the record came from
 * @param offset      its Kafka offset
 * @param change      the row change it describes; null for records that change no table (tombstones,
 *                    logical decoding messages), which only move the partition's position
 * @param sequence    its place in the source stream; null for snapshot reads, which share one position
 * @param lsn         the change's source WAL position; 0 if unknown
 * @param committedAt when the source committed it; null if unknown
 * @param txId        source transaction id; null if unknown
 */
public record SinkChange(PartitionId partition, long offset, RowChange change, SourceSequence sequence, long lsn,
                         Instant committedAt, Long txId) {
    public SinkChange {
        Objects.requireNonNull(partition, "partition");
    }

    /** The agent whose row the change touches; null when it changes no row. */
    public String agentId() {
        if (change == null) {
            return null;
        }
        return change.after() != null ? change.after().get("agent_id")
                : change.before() != null ? change.before().get("agent_id") : null;
    }
}
