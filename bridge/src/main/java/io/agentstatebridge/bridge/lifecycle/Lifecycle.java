package io.agentstatebridge.bridge.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static io.agentstatebridge.bridge.lifecycle.BridgeState.FAILED;
import static io.agentstatebridge.bridge.lifecycle.BridgeState.NEW;
import static io.agentstatebridge.bridge.lifecycle.BridgeState.PAUSED;
import static io.agentstatebridge.bridge.lifecycle.BridgeState.RECONNECTING;
import static io.agentstatebridge.bridge.lifecycle.BridgeState.SNAPSHOTTING;
import static io.agentstatebridge.bridge.lifecycle.BridgeState.STANDBY;
import static io.agentstatebridge.bridge.lifecycle.BridgeState.STARTING;
import static io.agentstatebridge.bridge.lifecycle.BridgeState.STOPPED;
import static io.agentstatebridge.bridge.lifecycle.BridgeState.STOPPING;
import static io.agentstatebridge.bridge.lifecycle.BridgeState.STREAMING;

/**
 * The state one bridge instance is in, and the only way to change it: {@link #moveTo}, which
 * allows the moves of {@link #ALLOWED} alone and logs each change once, as the line operators
 * read for it. Thread-safe: the start-up, standby, engine, status and shutdown threads all move
 * it, and a move another thread has made obsolete is refused rather than applied on top.
 *
 * <p>The usual paths: NEW → STARTING → (STANDBY → STARTING →) SNAPSHOTTING or STREAMING, then
 * between STREAMING, PAUSED (read side unreachable) and RECONNECTING (source unreachable); SIGTERM
 * or {@code close()} → STOPPING → STOPPED; an error the bridge cannot get past → FAILED.
 * Deliberately no way back from STOPPED or FAILED: a supervisor starts a new process.
 */
public final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    /** From each state, the states it may move to. */
    static final Map<BridgeState, Set<BridgeState>> ALLOWED;

    static {
        Map<BridgeState, Set<BridgeState>> allowed = new EnumMap<>(BridgeState.class);
        allowed.put(NEW, EnumSet.of(STARTING));
        allowed.put(STARTING, EnumSet.of(STANDBY, SNAPSHOTTING, STREAMING, PAUSED, RECONNECTING, STOPPING, FAILED));
        allowed.put(STANDBY, EnumSet.of(STARTING, STOPPING, FAILED));
        allowed.put(SNAPSHOTTING, EnumSet.of(STREAMING, PAUSED, RECONNECTING, STOPPING, FAILED));
        allowed.put(STREAMING, EnumSet.of(PAUSED, RECONNECTING, STOPPING, FAILED));
        allowed.put(PAUSED, EnumSet.of(STREAMING, RECONNECTING, STOPPING, FAILED));
        allowed.put(RECONNECTING, EnumSet.of(STREAMING, PAUSED, STOPPING, FAILED));
        // A stop can still end on an error (the slot found lost while the engine stops, say).
        allowed.put(STOPPING, EnumSet.of(STOPPED, FAILED));
        allowed.put(STOPPED, EnumSet.noneOf(BridgeState.class));
        allowed.put(FAILED, EnumSet.noneOf(BridgeState.class));
        allowed.replaceAll((from, to) -> Collections.unmodifiableSet(to));
        ALLOWED = Collections.unmodifiableMap(allowed);
    }

    private final String bridgeName;
    private final AtomicReference<Current> current = new AtomicReference<>(new Current(NEW, System.nanoTime()));

    /** A state and when it was entered. */
    private record Current(BridgeState state, long sinceNanos) {
    }

    /** @param bridgeName for the log lines, which name the bridge */
    public Lifecycle(String bridgeName) {
        this.bridgeName = bridgeName;
    }

    public BridgeState current() {
        return current.get().state();
    }

    /** How long the bridge has been in its current state. */
    public Duration timeInState() {
        return Duration.ofNanos(System.nanoTime() - current.get().sinceNanos());
    }

    /** Whether the table allows moving from {@code from} to {@code to}. */
    public static boolean allows(BridgeState from, BridgeState to) {
        return ALLOWED.get(from).contains(to);
    }

    /** {@link #moveTo(Predicate, BridgeState, String)} from whichever state the bridge is in. */
    public boolean moveTo(BridgeState next, String reason) {
        return moveTo(state -> true, next, reason);
    }

    /**
     * Moves to {@code next} if the bridge is in a state {@code from} accepts and the table allows
     * the move, and logs the change: ERROR into FAILED, WARN into RECONNECTING (the source is gone
     * and nothing else says so), INFO otherwise. Staying in the same state is no change and logs
     * nothing, so callers may report a state as often as they like.
     *
     * @param from   the states the caller means to move from; a move another thread has overtaken is refused
     * @param reason what happened, phrased to follow the bridge's name ("is standing by: ..."); null for none
     * @return whether the state changed; false when it was {@code next} already, or the move is refused
     */
    public boolean moveTo(Predicate<BridgeState> from, BridgeState next, String reason) {
        while (true) {
            Current was = current.get();
            if (was.state() == next || !from.test(was.state())) {
                return false;
            }
            if (!allows(was.state(), next)) {
                LOG.debug("bridge '{}' refused to move from {} to {} ({})", bridgeName, was.state(), next, reason);
                return false;
            }
            if (current.compareAndSet(was, new Current(next, System.nanoTime()))) {
                log(was.state(), next, reason);
                return true;
            }
        }
    }

    private void log(BridgeState from, BridgeState to, String reason) {
        String line = reason == null ? "bridge '{}' {}{} -> {}" : "bridge '{}' {} ({} -> {})";
        Object[] args = {bridgeName, reason == null ? "" : reason, from, to};
        if (to == FAILED) {
            LOG.error(line, args);
        } else if (to == RECONNECTING) {
            LOG.warn(line, args);
        } else {
            LOG.info(line, args);
        }
    }

    @Override
    public String toString() {
        return "bridge '" + bridgeName + "' " + current();
    }
}
