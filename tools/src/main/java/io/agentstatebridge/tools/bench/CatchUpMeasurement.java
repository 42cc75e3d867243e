package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Catch-up from a backlog. Each bridge under test runs once on the empty source and stops, so its
 * slot exists; a slot is made for PostgreSQL's own decoder; then the backlog is written (eight
 * connections, transactions of a fixed size), ended by a probe. PostgreSQL's decoder drains the
 * backlog first, alone on the machine; then each bridge is started again and timed from its
 * process's start until the read side shows the closing probe, which it can only show once every
 * earlier transaction is visible; then it is verified equal. Its resident set (VmRSS sampled, VmHWM
 * at the end) and the CPU each party used are read from /proc through the catch-up.
 *
 * <p>The bridges under test (one per layout and JVM options) run one after the other, each with a
 * slot and a read side of its own, from the one backlog: the write side is on the source server in
 * every layout, so only where the read side lives differs. In the one-server layout the bridge's
 * own WAL is written after the backlog, so its decoder does not read through it during a catch-up;
 * what that layout shows here is the one server's CPU and disk shared by decoding and applying.
 */
final class CatchUpMeasurement {
    static final String NAME = "catch-up";
    static final String MEMORY = "bridge memory";

    private final BenchEnvironment environment;
    private final BenchSettings settings;
    private final BridgeRuns bridges;
    private final PrintWriter out;

    CatchUpMeasurement(BenchEnvironment environment, BenchSettings settings, BridgeRuns bridges, PrintWriter out) {
        this.environment = environment;
        this.settings = settings;
        this.bridges = bridges;
        this.out = out;
    }

    /** A bridge to time: where its read side lives, how its JVM starts, whether it is profiled. */
    record Variant(Layout layout, JvmOptions options, boolean profile) {
    }

    /** Times each variant, in order, on one backlog of transactions of {@code eventsPerTransaction} events. */
    void run(int eventsPerTransaction, List<Variant> variants, BenchResults results)
            throws SQLException, InterruptedException, IOException {
        String transactions = eventsPerTransaction == 1 ? "1-event tx" : eventsPerTransaction + "-event tx";
        out.printf("%n[%s, %s] backlog of %,d events in %s, %d writer connections; bridges: %s%n", NAME, transactions,
                settings.events(), transactions.replace("tx", "transactions"), BenchSettings.WRITER_CONNECTIONS,
                variants.stream().map(v -> v.layout().label() + " " + v.options().label()).toList());
        BenchDatabases first = environment.fresh(variants.get(0).layout(), "catchup_" + eventsPerTransaction);
        try {
            AtomicLong numbers = new AtomicLong();
            EventWriter.preload(first.source(), settings.history(), numbers, "history", out);
            List<BenchDatabases> targets = new ArrayList<>();
            for (Variant variant : variants) {
                String name = variant.layout().option().replace('-', '_') + "_" + variant.options().name().toLowerCase(Locale.ROOT);
                targets.add(targets.isEmpty() ? first : first.withTarget(variant.layout(),
                        environment.extraTarget(variant.layout(), "catchup_" + eventsPerTransaction), BenchDatabases.BRIDGE + "_" + name));
            }
            for (BenchDatabases databases : targets) {
                bridges.prepare(databases, new ProbeLog());
            }
            try (Connection source = first.openSource()) {
                RawDecoder.createSlot(source);
            }
            Backlog backlog = writeBacklog(first, eventsPerTransaction, numbers);
            drainWithDecoder(first, backlog);
            for (int i = 0; i < targets.size(); i++) {
                Variant variant = variants.get(i);
                BenchResults.Scope figures = results.scope(variant.layout(), NAME, transactions);
                if (variants.subList(0, i).stream().noneMatch(v -> v.layout() == variant.layout())) {
                    backlog.report(figures);
                }
                catchUp(targets.get(i), variant, backlog, eventsPerTransaction, results);
            }
        } finally {
            environment.release(first);
        }
    }

    /**
     * The backlog as written: its events and sessions, the probe that closes it, how fast it was
     * written and PostgreSQL's decoder drained it (filled in once it has), and the notes on both.
     */
    private static final class Backlog {
        final long events;
        final long sessions;
        final long closingProbe;
        final double writeRate;
        final String writeNote;
        double decoderRate = Double.NaN;
        String decoderNote = "";

        Backlog(long events, long sessions, long closingProbe, double writeRate, String writeNote) {
            this.events = events;
            this.sessions = sessions;
            this.closingProbe = closingProbe;
            this.writeRate = writeRate;
            this.writeNote = writeNote;
        }

        /** The backlog's figures, once per layout: the same backlog on the same source server for every layout. */
        void report(BenchResults.Scope figures) {
            figures.add("backlog write rate", writeRate, "events/s written", writeNote);
            figures.add("PostgreSQL decoder", decoderRate, BenchFigure.EVENTS_PER_SECOND, decoderNote);
        }
    }

    private Backlog writeBacklog(BenchDatabases databases, int eventsPerTransaction, AtomicLong numbers)
            throws SQLException, InterruptedException {
        long bound = Math.max(120, settings.events() / 2_000);
        long walBefore = walPosition(databases);
        long eventsBefore = databases.sourceCount("SELECT count(*) FROM agent_events");
        long sessionsBefore = databases.sourceCount("SELECT count(*) FROM agent_sessions");
        // synchronous_commit off for the backlog's writers only: the same WAL, written without
        // waiting for each commit's flush (the 1-event backlog would otherwise take ten minutes).
        EventWriter.Written written = new EventWriter(databases.source(), BenchSettings.WRITER_CONNECTIONS, false, numbers)
                .write(eventsPerTransaction, settings.events(), System.nanoTime() + bound * 1_000_000_000L, () -> false,
                        "backlog", out);
        long closingProbe;
        try (ProbeWriter probes = new ProbeWriter(databases.openSource(), new ProbeLog())) {
            closingProbe = probes.commitOne();
        }
        long events = databases.sourceCount("SELECT count(*) FROM agent_events") - eventsBefore;
        long sessions = databases.sourceCount("SELECT count(*) FROM agent_sessions") - sessionsBefore;
        double walMegabytes = (walPosition(databases) - walBefore) / 1048576.0;
        return new Backlog(events, sessions, closingProbe, written.eventsPerSecond(), String.format(
                "%,d events (%,d sessions, %.0f MB of WAL) on a history of %,d, %d connections, synchronous_commit off for the "
                        + "backlog only%s", events, sessions, walMegabytes, eventsBefore, BenchSettings.WRITER_CONNECTIONS,
                written.events() < settings.events() ? "; stopped at the " + bound + " s bound" : ""));
    }

    private void drainWithDecoder(BenchDatabases databases, Backlog backlog) throws SQLException {
        out.println("    PostgreSQL's decoder draining the same backlog ...");
        environment.checkpoint();
        RawDecoder.Decoded decoded;
        try (Connection source = databases.openSource()) {
            decoded = RawDecoder.drain(source, databases.bridge());
            RawDecoder.dropSlot(source);
        }
        backlog.decoderRate = backlog.events / (decoded.nanos() / 1e9);
        backlog.decoderNote = String.format("pg_logical_slot_get_binary_changes, pgoutput, one backend; %,d messages in %.1f s; "
                + "the same backlog on the same source server for every layout", decoded.messages(), decoded.nanos() / 1e9);
        out.printf("    PostgreSQL's decoder: %,.0f events/s%n", backlog.decoderRate);
    }

    private void catchUp(BenchDatabases databases, Variant timed, Backlog backlog, int eventsPerTransaction, BenchResults results)
            throws SQLException, InterruptedException, IOException {
        String variant = eventsPerTransaction == 1 ? "1-event tx" : eventsPerTransaction + "-event tx";
        JvmOptions options = timed.options();
        boolean profile = timed.profile();
        String metric = (options == JvmOptions.LAUNCHER ? "bridge" : "bridge with " + options.label()) + (profile ? " (profiled)" : "");
        out.printf("    bridge catching up, %s (%s%s) ...%n", databases.layout().label(), options.describe(),
                profile ? ", with Java Flight Recorder" : "");
        environment.checkpoint();
        Duration bound = Duration.ofSeconds(60 + backlog.events / 1_000);
        List<String> recorder = profile ? List.of(FlightRecording.startOption(bridges.logs())) : List.of();
        ProbeLog log = new ProbeLog();
        BridgeRuns.Verdict verdict;
        double seconds;
        CpuAccount.Use cpu;
        long peak;
        long maxRss;
        Path recording = null;
        long appliedBefore;
        try (Connection target = databases.openTarget()) {
            appliedBefore = BridgeRuns.changesApplied(target, databases.bridge());
        }
        try (ProbeWatcher watcher = new ProbeWatcher(databases.openTarget(), log);
             RunningBridge bridge = bridges.launch(databases, options, recorder, "catchup-" + variant + "-" + options.name());
             ProcessMemory memory = new ProcessMemory(bridge.pid());
             Connection target = databases.openTarget()) {
            CpuAccount account = new CpuAccount(bridge.pid(), environment.sourceServerPid(),
                    environment.targetServerPid(databases.layout()));
            CpuAccount.Reading start = account.read();
            long deadline = bridge.startedNanos() + bound.toNanos();
            boolean done = false;
            while (!done && System.nanoTime() < deadline) {
                done = watcher.awaitVisible(backlog.closingProbe, Duration.ofSeconds(15), bridge);
                if (!done) {
                    out.printf("    catch-up: %,d of %,d changes applied (%.0f s, RSS %,d MB)%n",
                            BridgeRuns.changesApplied(target, databases.bridge()) - appliedBefore, backlog.events + backlog.sessions,
                            (System.nanoTime() - bridge.startedNanos()) / 1e9, memory.maxRssBytes() >> 20);
                    out.flush();
                }
            }
            cpu = CpuAccount.between(start, account.read());
            peak = memory.peakBytes();
            maxRss = memory.maxRssBytes();
            seconds = done ? (log.visibleAt(backlog.closingProbe) - bridge.startedNanos()) / 1e9 : Double.NaN;
            if (profile) {
                recording = bridges.logs().resolve(FlightRecording.fileName(databases.layout(), variant));
                bridge.dumpFlightRecording(recording);
            }
            verdict = done ? bridges.verify(databases, Duration.ofSeconds(600)) : new BridgeRuns.Verdict(false, "not caught up");
        }
        BenchResults.Scope figures = results.scope(databases.layout(), NAME, variant);
        double rate = backlog.events / seconds;
        figures.add(metric, rate, BenchFigure.EVENTS_PER_SECOND,
                eventsPerTransaction == 1 ? Target.CATCH_UP_1_EVENT_TX : Target.CATCH_UP_100_EVENT_TX,
                String.format("%,d events in %s from the process's start; %s%s", backlog.events,
                        Double.isNaN(seconds) ? "more than " + bound.toSeconds() + " s (timed out)" : String.format("%.1f s", seconds),
                        verdict.equal() ? "verified equal" : "verification: DIFFERS",
                        Double.isNaN(cpu.source()) ? "" : "; " + cpu.describeMachine()));
        figures.add(metric + ": verified equal", verdict.equal() ? 1 : 0, BenchFigure.YES, "");
        figures.add(metric + " / decoder", rate / backlog.decoderRate, "ratio", "");
        if (!Double.isNaN(cpu.source())) {
            double events = backlog.events;
            figures.add(metric + ": bridge process CPU per event", 1e6 * cpu.bridge() / events, "µs/event",
                    String.format("%.1f s of CPU in %.1f s", cpu.bridge(), cpu.seconds()));
            if (databases.layout() == Layout.ONE_SERVER) {
                figures.add(metric + ": server CPU per event", 1e6 * cpu.source() / events, "µs/event",
                        String.format("%.1f s of CPU: decoding, and applying into the read side", cpu.source()));
            } else {
                figures.add(metric + ": source server CPU per event", 1e6 * cpu.source() / events, "µs/event",
                        String.format("%.1f s of CPU: mostly the walsender decoding", cpu.source()));
                figures.add(metric + ": target server CPU per event", 1e6 * cpu.target() / events, "µs/event",
                        String.format("%.1f s of CPU: applying into the read side", cpu.target()));
            }
        }
        results.scope(databases.layout(), MEMORY, variant + " catch-up").add(options.describe(), peak < 0 ? Double.NaN : peak / 1048576.0,
                BenchFigure.MEGABYTES, Target.BRIDGE_RSS_MB, String.format("peak resident set (VmHWM) of the bridge's process "
                        + "alone; largest VmRSS sampled %,d MB; default max heap %s", maxRss >> 20, options.defaultMaxHeap()));
        if (recording != null) {
            new FlightRecording(recording).print(out);
        }
    }

    private static long walPosition(BenchDatabases databases) throws SQLException {
        return databases.sourceCount("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    }
}
