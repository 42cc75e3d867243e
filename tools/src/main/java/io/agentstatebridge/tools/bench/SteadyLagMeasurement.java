package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Steady lag: one bridge streaming while paced writers (four connections, committing what is due
 * every millisecond or so) hold each rate for a fixed window, lowest rate first. Lag is measured
 * with probes (a single-event transaction every 10 ms on average, part of the rate): from the
 * moment a probe's commit returned to its writer to the moment a reader of the read side first saw
 * it, both on the bench's clock. After each window the writers stop and the bridge drains before the
 * next; probes still invisible when that wait ends count with their wait so far. A warm-up at 2,000
 * events/s precedes the first window, so the bridge's JIT compilation is not counted as lag.
 */
final class SteadyLagMeasurement {
    static final String NAME = "steady lag";
    private static final int WRITERS = 4;
    private static final int WARM_UP_RATE = 2_000;
    private static final Duration DRAIN_BOUND = Duration.ofSeconds(240);
    /** After the last window nothing follows: waiting for a far-behind bridge would only make the run longer. */
    private static final Duration LAST_DRAIN_BOUND = Duration.ofSeconds(60);

    private final BenchEnvironment environment;
    private final Layout layout;
    private final BenchSettings settings;
    private final BridgeRuns bridges;
    private final PrintWriter out;

    SteadyLagMeasurement(BenchEnvironment environment, Layout layout, BenchSettings settings, BridgeRuns bridges,
            PrintWriter out) {
        this.environment = environment;
        this.layout = layout;
        this.settings = settings;
        this.bridges = bridges;
        this.out = out;
    }

    void run(BenchResults results) throws SQLException, InterruptedException, IOException {
        out.printf("%n[%s, %s] rates %s events/s for %d s each, probes every 10 ms on average%n", layout.label(),
                NAME, settings.steadyRates(), settings.steadyPhase().toSeconds());
        BenchDatabases databases = environment.fresh(layout, "steady");
        ProbeLog log = new ProbeLog();
        AtomicLong numbers = new AtomicLong();
        EventWriter.preload(databases.source(), settings.history(), numbers, "history", out);
        EventWriter writers = new EventWriter(databases.source(), WRITERS, true, numbers);
        try (ProbeWriter probes = new ProbeWriter(databases.openSource(), log);
             ProbeWatcher watcher = new ProbeWatcher(databases.openTarget(), log);
             RunningBridge bridge = bridges.startStreaming(databases, probes, watcher, "steady-lag");
             ProcessMemory memory = new ProcessMemory(bridge.pid())) {
            // One checkpoint before the warm-up, none between windows: the full-page writes that follow
            // a checkpoint would swell the WAL at the start of each window.
            environment.checkpoint();
            probes.start();
            Window window = new Window(writers, probes, watcher, bridge);
            out.printf("    warming up at %,d events/s for %d s ...%n", WARM_UP_RATE, settings.steadyPhase().toSeconds() / 4);
            window.hold(WARM_UP_RATE, settings.steadyPhase().dividedBy(4));
            boolean drained = window.drain(DRAIN_BOUND);
            List<Integer> rates = settings.steadyRates();
            for (int i = 0; i < rates.size(); i++) {
                BenchResults.Scope figures = results.scope(layout, NAME, String.format("%,d events/s", rates.get(i)));
                if (!drained) {
                    figures.add("p99 lag", Double.NaN, BenchFigure.MILLISECONDS, target(rates.get(i), true),
                            "not measured: the bridge had not drained the previous window's backlog within " + DRAIN_BOUND.toSeconds() + " s");
                    continue;
                }
                boolean last = i == rates.size() - 1;
                drained = measure(rates.get(i), window, log, last ? LAST_DRAIN_BOUND : DRAIN_BOUND, figures);
            }
            results.scope(layout, CatchUpMeasurement.MEMORY, "steady lag").add(JvmOptions.LAUNCHER.describe(),
                    memory.peakBytes() < 0 ? Double.NaN : memory.peakBytes() / 1048576.0, BenchFigure.MEGABYTES,
                    "peak resident set (VmHWM) through the warm-up and every rate");
        } finally {
            environment.release(databases);
        }
    }

    private boolean measure(int rate, Window window, ProbeLog log, Duration drainBound, BenchResults.Scope figures)
            throws SQLException, InterruptedException {
        out.printf("    writing %,d events/s for %d s ...%n", rate, settings.steadyPhase().toSeconds());
        out.flush();
        CpuAccount account = new CpuAccount(window.bridge.pid(), environment.sourceServerPid(),
                environment.targetServerPid(layout));
        CpuAccount.Reading start = account.read();
        long from = System.nanoTime();
        long written = window.hold(rate, settings.steadyPhase());
        long to = System.nanoTime();
        CpuAccount.Use cpu = CpuAccount.between(start, account.read());
        boolean drained = window.drain(drainBound);
        double seconds = (to - from) / 1e9;
        List<ProbeLog.Sample> samples = log.samples(from, to, System.nanoTime());
        LagStats stats = LagStats.of(samples, seconds);
        double achieved = (written + samples.size()) / seconds;
        String sampleNote = String.format("%,d probes%s", stats.samples(), stats.censored() == 0 ? ""
                : String.format(", %,d not visible %d s after the window (counted at their wait so far)", stats.censored(),
                drainBound.toSeconds()));
        figures.add("achieved write rate", achieved, "events/s written", achieved < rate * 0.95
                ? String.format("the writers reached only %.0f%% of the rate on this machine", 100 * achieved / rate) : "");
        figures.add("p50 lag", stats.all().at(50), BenchFigure.MILLISECONDS, sampleNote);
        figures.add("p99 lag", stats.all().at(99), BenchFigure.MILLISECONDS, target(rate, true), sampleNote);
        figures.add("max lag", stats.all().max(), BenchFigure.MILLISECONDS, stats.censored() == 0 ? "" : "at least");
        figures.add(String.format("p99 lag in the last %.0f s", stats.edgeSeconds()), stats.last().at(99), BenchFigure.MILLISECONDS,
                String.format("first %.0f s: %.0f ms", stats.edgeSeconds(), stats.first().at(99)));
        figures.add("lag bounded", stats.bounded() ? 1 : 0, BenchFigure.YES, target(rate, false), stats.describeGrowth());
        figures.add("bridge CPU", cpu.bridge() / cpu.seconds(), "cores", cpu.describeMachine());
        return drained;
    }

    /** The target for a rate: p99 limits at 1,000 and 5,000 events/s, boundedness at 10,000 and above. */
    private static Target target(int rate, boolean p99) {
        if (p99) {
            return rate == 1_000 ? Target.LAG_P99_AT_1000 : rate == 5_000 ? Target.LAG_P99_AT_5000 : null;
        }
        return rate >= 10_000 ? Target.BOUNDED : null;
    }

    /** The writers, probes and bridge of the measurement, holding a rate or draining. */
    private final class Window {
        private final EventWriter writers;
        private final ProbeWriter probes;
        private final ProbeWatcher watcher;
        private final RunningBridge bridge;

        Window(EventWriter writers, ProbeWriter probes, ProbeWatcher watcher, RunningBridge bridge) {
            this.writers = writers;
            this.probes = probes;
            this.watcher = watcher;
            this.bridge = bridge;
        }

        /** Writes {@code rate} events/s, probes included, for {@code length}; the writers' events. */
        long hold(int rate, Duration length) throws SQLException, InterruptedException {
            EventWriter.Paced paced = writers.paced(rate - ProbeWriter.EVENTS_PER_SECOND, "writers", out);
            long end = System.nanoTime() + length.toNanos();
            try {
                while (System.nanoTime() < end) {
                    Thread.sleep(Math.max(1, Math.min(1_000, (end - System.nanoTime()) / 1_000_000)));
                    bridge.ensureAlive();
                    probes.check();
                }
            } catch (SQLException | InterruptedException | RuntimeException e) {
                paced.stop();
                throw e;
            }
            return paced.stop().events();
        }

        /** Waits until every probe committed so far is visible; false after {@code bound}. */
        boolean drain(Duration bound) throws SQLException, InterruptedException {
            long started = System.nanoTime();
            boolean drained = watcher.awaitVisible(probes.commitOne(), bound, bridge);
            out.printf("    %s in %.1f s%n", drained ? "drained" : "NOT drained", (System.nanoTime() - started) / 1e9);
            return drained;
        }
    }
}
