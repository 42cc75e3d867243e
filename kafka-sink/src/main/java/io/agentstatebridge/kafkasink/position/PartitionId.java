package io.agentstatebridge.kafkasink.position;

import java.util.Comparator;
import java.util.Objects;

/** One topic-partition of one source: the unit whose changes the sink applies in order. */
public record PartitionId(String topic, int partition) implements Comparable<PartitionId> {
    private static final Comparator<PartitionId> ORDER =
            Comparator.comparing(PartitionId::topic).thenComparingInt(PartitionId::partition);

    public PartitionId {
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public int compareTo(PartitionId other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
