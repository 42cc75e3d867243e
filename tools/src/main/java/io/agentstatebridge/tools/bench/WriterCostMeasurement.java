package io.agentstatebridge.tools.bench;

import io.agentstatebridge.projections.apply.SqlResource;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * What keeping the projections costs the writers: eight connections write unpaced (transactions of
 * a fixed size, synchronous_commit on) for a fixed time with no consumer, with the bridge
 * streaming, and optionally with row triggers maintaining the projections inside the source
 * (bench/sync_triggers.sql); throughput is reported as a share of the no-consumer run. Probes run
 * in every case (100 events/s). With the bridge, the figure must be the cost of keeping up, not of
 * a bridge drowning in a backlog: the writers are held back whenever the oldest probe not yet
 * visible on the read side is more than half a second old, until it is under a quarter of a
 * second. How long they were held back is reported beside the figure, and so is their throughput
 * while not held back: the first is the bridge's pace, the second its cost to the writers (the
 * CPU and I/O it takes from them). Each run starts on fresh databases.
 */
final class WriterCostMeasurement {
    static final String NAME = "writer cost";
    private static final long HOLD_ABOVE_NANOS = 500_000_000L;
    private static final long RESUME_BELOW_NANOS = 250_000_000L;

    private enum Consumer {
        NONE("no consumer"), BRIDGE("bridge streaming"), TRIGGERS("sync triggers");

        final String label;

        Consumer(String label) {
            this.label = label;
        }
    }

    private final BenchEnvironment environment;
    private final Layout layout;
    private final BenchSettings settings;
    private final BridgeRuns bridges;
    private final PrintWriter out;

    WriterCostMeasurement(BenchEnvironment environment, Layout layout, BenchSettings settings, BridgeRuns bridges,
            PrintWriter out) {
        this.environment = environment;
        this.layout = layout;
        this.settings = settings;
        this.bridges = bridges;
        this.out = out;
    }

    void run(int eventsPerTransaction, boolean withTriggers, BenchResults results)
            throws SQLException, InterruptedException, IOException {
        String variant = eventsPerTransaction == 1 ? "1-event tx" : eventsPerTransaction + "-event tx";
        out.printf("%n[%s, %s, %s] %d connections writing unpaced for %d s each%n", layout.label(), NAME, variant,
                BenchSettings.WRITER_CONNECTIONS, settings.writerPhase().toSeconds());
        BenchResults.Scope figures = results.scope(layout, NAME, variant);
        double baseline = Double.NaN;
        List<Consumer> consumers = withTriggers ? List.of(Consumer.values()) : List.of(Consumer.NONE, Consumer.BRIDGE);
        for (Consumer consumer : consumers) {
            Run run = measure(consumer, eventsPerTransaction);
            if (consumer == Consumer.NONE) {
                baseline = run.eventsPerSecond();
            }
            figures.add(consumer.label, 100 * run.eventsPerSecond() / baseline, BenchFigure.SHARE,
                    consumer == Consumer.BRIDGE ? Target.WRITERS_SHARE : null, run.note());
            if (consumer == Consumer.BRIDGE) {
                figures.add("writers held back", run.heldPercent(), "% of the window",
                        "while the read side was more than 0.5 s behind: the bridge's pace, not its cost to the writers");
                figures.add("bridge streaming while not held back", 100 * run.unheldEventsPerSecond() / baseline, "% of no consumer",
                        String.format("%,.0f events/s: the CPU and I/O the bridge takes from the writers", run.unheldEventsPerSecond()));
            }
        }
    }

    /** One run's throughput, the share of it held back and the throughput while not, and what to say about it. */
    private record Run(double eventsPerSecond, double heldPercent, double unheldEventsPerSecond, String note) {
    }

    private Run measure(Consumer consumer, int eventsPerTransaction) throws SQLException, InterruptedException, IOException {
        BenchDatabases databases = environment.fresh(layout, "writers_" + eventsPerTransaction + "_"
                + consumer.name().toLowerCase(Locale.ROOT));
        ProbeLog log = new ProbeLog();
        AtomicLong numbers = new AtomicLong();
        EventWriter.preload(databases.source(), settings.history(), numbers, "history", out);
        try (ProbeWriter probes = new ProbeWriter(databases.openSource(), log);
             ProbeWatcher watcher = consumer == Consumer.BRIDGE ? new ProbeWatcher(databases.openTarget(), log) : null;
             RunningBridge bridge = consumer == Consumer.BRIDGE
                     ? bridges.startStreaming(databases, probes, watcher, "writers-" + eventsPerTransaction) : null) {
            if (consumer == Consumer.TRIGGERS) {
                try (Connection source = databases.openSource(); Statement statement = source.createStatement()) {
                    statement.execute(SqlResource.load("bench/sync_triggers.sql"));
                }
            }
            environment.checkpoint();
            out.printf("    %s ...%n", consumer.label);
            out.flush();
            Backpressure hold = new Backpressure(log, consumer == Consumer.BRIDGE);
            CpuAccount account = new CpuAccount(bridge == null ? -1 : bridge.pid(), environment.sourceServerPid(),
                    environment.targetServerPid(layout));
            CpuAccount.Reading start = account.read();
            probes.start();
            long from = System.nanoTime();
            EventWriter.Written written = new EventWriter(databases.source(), BenchSettings.WRITER_CONNECTIONS, true, numbers)
                    .write(eventsPerTransaction, Long.MAX_VALUE / 2, from + settings.writerPhase().toNanos(), hold, consumer.label, out);
            long to = System.nanoTime();
            CpuAccount.Use cpu = CpuAccount.between(start, account.read());
            probes.check();
            String note = String.format("%,.0f events/s; %s", written.eventsPerSecond(), cpu.describeMachine());
            if (bridge == null) {
                return new Run(written.eventsPerSecond(), 0, written.eventsPerSecond(), note);
            }
            boolean drained = watcher.awaitVisible(probes.commitOne(), Duration.ofSeconds(120), bridge);
            LagStats lag = LagStats.of(log.samples(from, to, System.nanoTime()), (to - from) / 1e9);
            double held = 100.0 * hold.heldNanos(to) / (to - from);
            double unheld = written.events() / ((to - from - hold.heldNanos(to)) / 1e9);
            return new Run(written.eventsPerSecond(), held, unheld, String.format("%s; held back %.0f%% of the window; p99 lag %.0f ms; "
                    + "bridge %.2f cores%s", note, held, lag.all().at(99), cpu.bridge() / cpu.seconds(), drained ? "" : "; NOT drained after"));
        } finally {
            environment.release(databases);
        }
    }

    /**
     * Holds the writers back while the oldest probe not yet visible has waited more than half a
     * second, until it has waited less than a quarter; counts the time held. Called by every writer
     * before each transaction.
     */
    private static final class Backpressure implements BooleanSupplier {
        private final ProbeLog log;
        private final boolean active;
        private boolean holding;
        private long heldSince;
        private long heldNanos;

        Backpressure(ProbeLog log, boolean active) {
            this.log = log;
            this.active = active;
        }

        @Override
        public synchronized boolean getAsBoolean() {
            if (!active) {
                return false;
            }
            long now = System.nanoTime();
            long waited = log.oldestInvisibleNanos(now);
            if (!holding && waited > HOLD_ABOVE_NANOS) {
                holding = true;
                heldSince = now;
            } else if (holding && waited < RESUME_BELOW_NANOS) {
                holding = false;
                heldNanos += now - heldSince;
            }
            return holding;
        }

        synchronized long heldNanos(long now) {
            return heldNanos + (holding ? now - heldSince : 0);
        }
    }
}
