package io.agentstatebridge.tools.soak;

import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.loadgen.LoadGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the bridge in this JVM under a simulated fleet writing at a sustained rate, takes the
 * bridge's lag (from its status record) and this JVM's memory and collector figures every second,
 * prints a line every sample interval and a summary at the end. The verdict: exit status 0 when
 * the bridge kept running, kept up (lag bounded) and caught up once the writers stopped; 1
 * otherwise. The JVM's figures include the fleet's small share; PostgreSQL runs in its own processes.
 */
public final class Soak {
    /** Bridge, replication slot and publication of the soak. */
    public static final String NAME = "soak";
    private static final long TICK_NANOS = 1_000_000_000L;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(120);
    private static final double MB = 1024 * 1024;

    private final SoakSettings settings;
    private final PrintWriter out;
    private final ProcessProbe probe = new ProcessProbe();
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    public Soak(SoakSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /** Ends the soak early (Ctrl-C): the summary covers what ran. */
    public void stop() {
        stopRequested.countDown();
    }

    /** Runs the soak; its exit status. */
    public int run() throws IOException, SQLException, InterruptedException {
        out.printf("soak: %,.0f events/s from %,d agents over %d connections for %d s; a line every %d s%n",
                settings.eventsPerSecond(), settings.agents(), settings.workers(), settings.duration().toSeconds(),
                settings.sampleInterval().toSeconds());
        try (SoakDatabases databases = SoakDatabases.open(settings, out)) {
            try {
                return soak(databases);
            } finally {
                databases.dropReplicationObjects(NAME);
            }
        }
    }

    private int soak(SoakDatabases databases) throws SQLException, InterruptedException {
        BridgeSettings bridgeSettings = new BridgeSettings(databases.source(), databases.target(), NAME, NAME, NAME, 2048,
                BridgeSettings.Observability.HTTP_OFF.withHttpPort(settings.httpPort()));
        try (Bridge bridge = new Bridge(bridgeSettings);
             LoadGenerator fleet = new LoadGenerator(databases.source().jdbcUrl(),
                     new LoadGenerator.LoadSettings(settings.agents(), settings.eventsPerSecond(), settings.duration(),
                             settings.workers(), 1));
             Connection target = DriverManager.getConnection(databases.target().jdbcUrl());
             PreparedStatement applied = target.prepareStatement("SELECT count(*) FROM agent_events")) {
            bridge.start();
            if (!awaitStreaming(bridge)) {
                return 1;
            }
            if (bridge.httpPort() > 0) {
                out.printf("status page: http://127.0.0.1:%d/%n", bridge.httpPort());
            }
            Thread writer = fleet.inBackground("soak-fleet");
            List<SoakSample> samples = sample(bridge, fleet, writer, applied);
            fleet.stop();
            writer.join(30_000);
            double caughtUpAfter = awaitCatchUp(bridge, applied, fleet.eventsWritten());
            return summarize(samples, bridge, fleet.failure(), caughtUpAfter, fleet.eventsWritten(), count(applied));
        }
    }

    /** Every second until the fleet is done, the bridge fails or a stop is requested; prints a line every interval. */
    private List<SoakSample> sample(Bridge bridge, LoadGenerator fleet, Thread writer, PreparedStatement applied)
            throws SQLException, InterruptedException {
        out.printf("%9s %11s %11s %9s %10s %10s %9s %8s %7s%n", "elapsed", "written", "applied", "lag", "heap used",
                "committed", "after GC", "RSS", "GCs");
        List<SoakSample> samples = new ArrayList<>();
        long started = System.nanoTime();
        writer.start();
        long intervalNanos = settings.sampleInterval().toNanos();
        long nextLine = started + intervalNanos;
        for (long tick = started + TICK_NANOS; ; tick += TICK_NANOS) {
            long wait = tick - System.nanoTime();
            boolean stopping = wait > 0 && stopRequested.await(wait, TimeUnit.NANOSECONDS);
            long now = System.nanoTime();
            SoakSample sample = probe.sample((now - started) / 1e9, fleet.eventsWritten(), bridge.status().current().lagSeconds());
            samples.add(sample);
            boolean done = stopping || !writer.isAlive() || bridge.state() == BridgeState.FAILED;
            if (now >= nextLine || done) {
                printLine(sample, count(applied));
                nextLine += intervalNanos;
            }
            if (done) {
                return samples;
            }
        }
    }

    private void printLine(SoakSample s, long applied) {
        out.printf("%7.0f s %,11d %,11d %9s %7.0f MB %7.0f MB %6s MB %5s MB %,7d%n", s.seconds(), s.eventsWritten(), applied,
                s.lagSeconds() == null ? "unknown" : String.format("%.2f s", s.lagSeconds()), s.heapUsedBytes() / MB,
                s.heapCommittedBytes() / MB, s.heapAfterGcBytes() < 0 ? "-" : String.format("%.0f", s.heapAfterGcBytes() / MB),
                s.rssBytes() < 0 ? "-" : String.format("%.0f", s.rssBytes() / MB), s.gcCount());
        out.flush();
    }

    private int summarize(List<SoakSample> samples, Bridge bridge, Throwable writerFailure, double caughtUpAfter,
                          long written, long applied) {
        SoakSummary summary = SoakSummary.of(samples);
        out.printf("%nsummary: %.0f s at %,.0f events/s (achieved %,.0f/s); %,d events written, %,d applied%n",
                summary.seconds(), settings.eventsPerSecond(), written / Math.max(1e-9, summary.seconds()), written, applied);
        summary.print(out);
        out.printf("  catch-up          %s%n", caughtUpAfter < 0
                ? String.format("NOT caught up %d s after the writers stopped", CATCH_UP_TIMEOUT.toSeconds())
                : String.format("read side holds every event %.1f s after the writers stopped", caughtUpAfter));
        List<String> problems = new ArrayList<>();
        if (bridge.state() == BridgeState.FAILED) {
            problems.add("the bridge failed: " + (bridge.failure() == null ? "see its log" : bridge.failure().getMessage()));
        }
        if (writerFailure != null) {
            problems.add("the writers failed: " + writerFailure.getMessage());
        }
        if (summary.lagUnbounded()) {
            problems.add("lag was unbounded");
        }
        if (caughtUpAfter < 0) {
            problems.add("the read side did not catch up");
        }
        out.println(problems.isEmpty() ? "result: OK (the bridge kept running, its lag did not keep growing, the read side "
                + "caught up)" : "result: FAILED: " + String.join("; ", problems));
        out.flush();
        return problems.isEmpty() ? 0 : 1;
    }

    private boolean awaitStreaming(Bridge bridge) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (bridge.state() != BridgeState.STREAMING) {
            if (bridge.state() == BridgeState.FAILED || System.nanoTime() > deadline) {
                out.printf("result: FAILED: the bridge did not start streaming within %d s (%s)%n", START_TIMEOUT.toSeconds(),
                        bridge.failure() == null ? bridge.state() : bridge.failure().getMessage());
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** Seconds until the read side held every event written, or -1 when it did not within the timeout. */
    private double awaitCatchUp(Bridge bridge, PreparedStatement applied, long written) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        while (System.nanoTime() - started < CATCH_UP_TIMEOUT.toNanos() && bridge.state() != BridgeState.FAILED) {
            if (count(applied) >= written) {
                return (System.nanoTime() - started) / 1e9;
            }
            Thread.sleep(100);
        }
        return -1;
    }

    private static long count(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
