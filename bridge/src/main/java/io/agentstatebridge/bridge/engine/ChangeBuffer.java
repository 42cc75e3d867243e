package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.projections.change.RowChange;

import java.util.ArrayList;
import java.util.List;

/**
 * Changes held in memory in source order, with a running estimate of the memory they take, so
 * that batches are limited in bytes as well as in count: a batch of large payloads is cut sooner.
 */
final class ChangeBuffer {
    private final List<RowChange> changes = new ArrayList<>();
    private long bytes;

    void add(RowChange change) {
        changes.add(change);
        bytes += change.estimatedBytes();
    }

    /** Moves everything {@code other} holds to the end of this buffer. */
    void takeAll(ChangeBuffer other) {
        changes.addAll(other.changes);
        bytes += other.bytes;
        other.clear();
    }

    /** The changes held; the list is this buffer's, valid until it changes. */
    List<RowChange> changes() {
        return changes;
    }

    /** A copy of the changes held, and the buffer emptied. */
    List<RowChange> drain() {
        List<RowChange> drained = new ArrayList<>(changes);
        clear();
        return drained;
    }

    int size() {
        return changes.size();
    }

    long bytes() {
        return bytes;
    }

    void clear() {
        changes.clear();
        bytes = 0;
    }
}
