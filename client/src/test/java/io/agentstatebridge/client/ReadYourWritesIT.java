package io.agentstatebridge.client;

import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.loadgen.LoadGenerator;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many agents each write, wait for their token, and read, while a load generator keeps the
 * source busy: every read must show the write just made. Then the same rounds on an idle
 * source, where only the write itself (or the heartbeat) moves the read side. Prints the wait
 * times: they are the price of read-your-writes.
 */
class ReadYourWritesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int AGENTS = 8;
    private static final int ROUNDS_UNDER_LOAD = 150;
    private static final int ROUNDS_IDLE = 15;
    private static final int BACKGROUND_RATE = 300;

    @Test
    void everyReadAfterItsTokenSeesItsOwnWrite() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("read_your_writes");
        // The test server runs with synchronous_commit off, under which a commit reaches logical
        // decoding only at the WAL writer's next flush (every 200 ms). Writers here get PostgreSQL's
        // default, so the waits printed are what agents on a default server would see.
        try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
            statement.execute("ALTER DATABASE " + databases.source().database() + " SET synchronous_commit = on");
        }
        try (Bridge bridge = new Bridge(databases.settings(2048));
             AgentStateClient client = AgentStateClient.connect(
                     ClientSettings.of(databases.source().jdbcUrl(), databases.target().jdbcUrl())
                             .withMaxPoolSize(AGENTS))) {
            bridge.start();
            Rounds underLoad = new Rounds();
            try (LoadGenerator load = new LoadGenerator(databases.source().jdbcUrl(),
                    new LoadGenerator.LoadSettings(200, BACKGROUND_RATE, Duration.ZERO, 2, 7))) {
                Thread loadThread = new Thread(() -> {
                    try {
                        load.run();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "background-load");
                loadThread.start();
                runAgents(client, "load", AGENTS, ROUNDS_UNDER_LOAD, underLoad);
                load.stop();
                loadThread.join();
                System.out.printf("background load wrote %,d events while the rounds ran%n", load.eventsWritten());
            }
            Rounds idle = new Rounds();
            runAgents(client, "idle", 1, ROUNDS_IDLE, idle);

            underLoad.print("under " + BACKGROUND_RATE + " events/s of other writes, " + AGENTS + " agents");
            idle.print("idle source, one agent");
            assertThat(underLoad.stale.get()).as("stale reads under load").isZero();
            assertThat(idle.stale.get()).as("stale reads on an idle source").isZero();
            assertThat(underLoad.waits).hasSize(AGENTS * ROUNDS_UNDER_LOAD);
            assertThat(idle.waits).hasSize(ROUNDS_IDLE);
        }
    }

    private static void runAgents(AgentStateClient client, String phase, int agents, int rounds, Rounds results)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(agents);
        List<Future<?>> running = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            String agent = "ryw-" + phase + "-" + a;
            running.add(pool.submit(() -> {
                String session = agent + "-session";
                client.events().startSession(AgentSession.start(session, agent, "tester"));
                AgentEvents events = AgentEvents.of(agent, session);
                for (int r = 1; r <= rounds; r++) {
                    int round = r;
                    AgentEvent decision = events.decisionMade("round " + round, phase);
                    ConsistencyToken token = client.events().append(decision);
                    long started = System.nanoTime();
                    ConsistencyToken reached = client.state().awaitApplied(token, TIMEOUT);
                    results.waits.add((System.nanoTime() - started) / 1_000_000.0);
                    if (reached.equals(token)) {
                        results.reachedExactly.incrementAndGet();
                    }
                    StateReader reader = client.state();
                    boolean current = reader.currentState(agent)
                            .map(state -> state.payload().get("decision").asText().equals("round " + round))
                            .orElse(false);
                    boolean summarised = reader.sessionSummary(session, agent)
                            .map(summary -> summary.decisions() == round).orElse(false);
                    boolean listed = reader.recentEvents(session, 1).stream()
                            .anyMatch(event -> event.eventId().equals(decision.eventId()));
                    if (!current || !summarised || !listed) {
                        results.stale.incrementAndGet();
                        System.out.printf("STALE READ: %s round %d (state %s, summary %s, recent %s)%n",
                                agent, round, current, summarised, listed);
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> agent : running) {
            agent.get();
        }
    }

    private static final class Rounds {
        final List<Double> waits = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger stale = new AtomicInteger();
        /** Rounds whose wait ended on the writer's own commit rather than a later one (or a heartbeat). */
        final AtomicInteger reachedExactly = new AtomicInteger();

        void print(String phase) {
            List<Double> sorted = new ArrayList<>(waits);
            Collections.sort(sorted);
            System.out.printf("read-your-writes wait, %s: %d rounds, %d stale; p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
                            + "max %.1f ms; %d ended on the writer's own commit%n", phase, sorted.size(), stale.get(),
                    percentile(sorted, 0.50), percentile(sorted, 0.90), percentile(sorted, 0.99),
                    sorted.get(sorted.size() - 1), reachedExactly.get());
        }

        private static double percentile(List<Double> sorted, double p) {
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        }
    }
}
