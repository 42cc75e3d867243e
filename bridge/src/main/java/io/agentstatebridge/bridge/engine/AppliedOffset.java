package io.agentstatebridge.bridge.engine;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The connector offset this process last committed to the read side, once known: read from the
 * read side at the first start, then set by the batch handler after each commit. Shared between the
 * handler's thread and the connector's (see {@link TargetOffsetStore}).
 */
public final class AppliedOffset {
    private final AtomicReference<String> offset = new AtomicReference<>();

    /** The offset, or null while nothing is known (nothing stored, or not read yet). */
    String get() {
        return offset.get();
    }

    /** What the read side held when first read; ignored once a batch has been committed. */
    void initialise(String stored) {
        offset.compareAndSet(null, stored);
    }

    /** {@code committed} is now what the read side holds. */
    void committed(String committed) {
        offset.set(committed);
    }
}
