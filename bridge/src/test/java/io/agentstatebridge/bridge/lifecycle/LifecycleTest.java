package io.agentstatebridge.bridge.lifecycle;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
import static org.assertj.core.api.Assertions.assertThat;

class LifecycleTest {
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(Lifecycle.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
        logger.setAdditive(false); // the test's hundreds of moves, FAILED included, are not the build's errors
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
        logger.setAdditive(true);
    }

    @Test
    void everyMoveTheTableAllowsIsMadeAndEveryOtherIsRefused() {
        Map<BridgeState, List<BridgeState>> paths = pathsFromNew();
        List<String> wrong = new ArrayList<>();
        for (BridgeState from : BridgeState.values()) {
            for (BridgeState to : BridgeState.values()) {
                Lifecycle lifecycle = lifecycleIn(from, paths);
                boolean moved = lifecycle.moveTo(to, null);
                boolean expected = from != to && Lifecycle.allows(from, to);
                if (moved != expected || lifecycle.current() != (expected ? to : from)) {
                    wrong.add(from + " -> " + to + ": moved " + moved + ", now " + lifecycle.current());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void illegalMovesAreRefusedAndChangeNothing() {
        Map<BridgeState, List<BridgeState>> paths = pathsFromNew();
        // A batch that completes after a stop was requested, a stream that never started, a bridge brought back.
        for (BridgeState[] move : new BridgeState[][] {{STOPPING, STREAMING}, {NEW, STREAMING}, {STANDBY, STREAMING},
                {STOPPED, STARTING}, {FAILED, STREAMING}, {FAILED, STOPPING}, {STOPPED, FAILED}, {SNAPSHOTTING, STANDBY}}) {
            Lifecycle lifecycle = lifecycleIn(move[0], paths);
            log.list.clear();
            assertThat(lifecycle.moveTo(move[1], "should not happen")).as("%s -> %s", move[0], move[1]).isFalse();
            assertThat(lifecycle.current()).isEqualTo(move[0]);
            assertThat(log.list).as("a refused move is no change to log").isEmpty();
        }
    }

    @Test
    void stoppedAndFailedAreFinalAndEveryStateCanBeReached() {
        assertThat(Lifecycle.ALLOWED.get(STOPPED)).isEmpty();
        assertThat(Lifecycle.ALLOWED.get(FAILED)).isEmpty();
        assertThat(pathsFromNew().keySet()).containsExactlyInAnyOrder(BridgeState.values());
        for (BridgeState state : BridgeState.values()) {
            assertThat(state.isFinal()).as("%s final", state).isEqualTo(Lifecycle.ALLOWED.get(state).isEmpty());
            if (!state.isFinal()) {
                assertThat(Lifecycle.allows(state, FAILED) || state == NEW).as("%s can fail", state).isTrue();
            }
        }
    }

    @Test
    void aMoveAnotherThreadHasOvertakenIsRefused() {
        Lifecycle lifecycle = lifecycleIn(STREAMING, pathsFromNew());
        // The standby's takeover after close() has begun stopping: STOPPING -> STARTING is not its move to make.
        assertThat(lifecycle.moveTo(STOPPING, "stopping")).isTrue();
        assertThat(lifecycle.moveTo(state -> state == STANDBY, STARTING, "taking over")).isFalse();
        // Stepping down only from a running state, although the table lets a stop end in FAILED.
        assertThat(lifecycle.moveTo(BridgeState::isRunning, FAILED, "stepping down")).isFalse();
        assertThat(lifecycle.current()).isEqualTo(STOPPING);
    }

    @Test
    void eachChangeIsLoggedOnceWithItsReasonAndStayingPutLogsNothing() {
        Lifecycle lifecycle = lifecycleIn(STARTING, pathsFromNew());
        log.list.clear();
        for (int batch = 0; batch < 5; batch++) {
            lifecycle.moveTo(STREAMING, null);
        }
        lifecycle.moveTo(RECONNECTING, "has heard nothing from the source for 5 s");
        lifecycle.moveTo(RECONNECTING, "has heard nothing from the source for 5 s");
        lifecycle.moveTo(FAILED, "stopped on an error: boom");
        assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "bridge 'test' STARTING -> STREAMING",
                "bridge 'test' has heard nothing from the source for 5 s (STREAMING -> RECONNECTING)",
                "bridge 'test' stopped on an error: boom (RECONNECTING -> FAILED)");
        assertThat(log.list).extracting(event -> event.getLevel().toString()).containsExactly("INFO", "WARN", "ERROR");
    }

    @Test
    void runningStatesAreThoseBetweenStartAndStop() {
        assertThat(EnumSet.allOf(BridgeState.class).stream().filter(BridgeState::isRunning))
                .containsExactlyInAnyOrder(STARTING, SNAPSHOTTING, STREAMING, PAUSED, RECONNECTING);
        assertThat(BridgeState.named(STREAMING.name())).contains(STREAMING);
        assertThat(BridgeState.named("WARMING_UP")).as("a state of another version").isEmpty();
    }

    /** A lifecycle moved along allowed moves into {@code state}. */
    private static Lifecycle lifecycleIn(BridgeState state, Map<BridgeState, List<BridgeState>> paths) {
        Lifecycle lifecycle = new Lifecycle("test");
        for (BridgeState step : paths.get(state)) {
            assertThat(lifecycle.moveTo(step, null)).as("move to %s on the way to %s", step, state).isTrue();
        }
        assertThat(lifecycle.current()).isEqualTo(state);
        return lifecycle;
    }

    /** For every state reachable from NEW, the moves of a shortest way there. */
    private static Map<BridgeState, List<BridgeState>> pathsFromNew() {
        Map<BridgeState, List<BridgeState>> paths = new EnumMap<>(BridgeState.class);
        paths.put(NEW, List.of());
        Deque<BridgeState> queue = new ArrayDeque<>(List.of(NEW));
        while (!queue.isEmpty()) {
            BridgeState from = queue.removeFirst();
            Set<BridgeState> next = Lifecycle.ALLOWED.get(from);
            for (BridgeState to : next) {
                if (!paths.containsKey(to)) {
                    List<BridgeState> path = new ArrayList<>(paths.get(from));
                    path.add(to);
                    paths.put(to, path);
                    queue.addLast(to);
                }
            }
        }
        return paths;
    }
}
