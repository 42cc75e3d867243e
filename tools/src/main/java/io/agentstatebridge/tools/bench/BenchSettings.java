package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.DatabaseUrl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one run measures, how big and how long.
 *
 * @param events             backlog and snapshot size
 * @param steadyRates        write rates (events/s) of the steady-lag measurement
 * @param steadyPhase        how long each steady rate is held
 * @param writerPhase        how long the writers write in each writer-cost run
 * @param lookups            point lookups per read query (fewer if {@link #lookupBudget} runs out)
 * @param lookupBudget       most time spent on one read query's lookups
 * @param output             directory receiving bench.csv, bench.svg and the bridge's logs
 * @param layouts            where source and target live, in the order measured
 * @param measurements       which measurements run
 * @param plainJava          also time the 100-event catch-up with plain java -jar, no JVM option
 * @param profile            record the 100-event catch-ups with Java Flight Recorder and print the hot methods
 * @param bridgeJar          the production jar the bridge runs from, as its own process
 * @param source             a given write-side database, or null for the embedded servers
 * @param target             a given read-side database, or null for the embedded servers
 */
public record BenchSettings(long events, List<Integer> steadyRates, Duration steadyPhase, Duration writerPhase,
                            int lookups, Duration lookupBudget, Path output, List<Layout> layouts,
                            Set<Measurement> measurements, boolean plainJava, boolean profile, Path bridgeJar,
                            DatabaseUrl source, DatabaseUrl target) {
    /** Agents the benchmark's events belong to; event i belongs to agent i % AGENTS (bench/generate_events.sql). */
    public static final int AGENTS = 1_000;
    /** Concurrent connections of the unpaced writers (backlog and writer cost). */
    public static final int WRITER_CONNECTIONS = 8;

    public BenchSettings {
        if (events < AGENTS) {
            throw new IllegalArgumentException("--events must be at least " + AGENTS + " (one event per agent), got " + events);
        }
        if ((source == null) != (target == null)) {
            throw new IllegalArgumentException("give both --source-url and --target-url, or neither for the embedded servers");
        }
        if (source != null && source.describe().equals(target.describe())) {
            throw new IllegalArgumentException("--source-url and --target-url must be different databases: both hold "
                    + "agent_events (write side and replica)");
        }
        if (steadyRates.stream().anyMatch(rate -> rate <= ProbeWriter.EVENTS_PER_SECOND)) {
            throw new IllegalArgumentException("each steady rate must exceed the probes' own " + ProbeWriter.EVENTS_PER_SECOND
                    + " events/s, got " + steadyRates);
        }
        if (measurements.isEmpty()) {
            throw new IllegalArgumentException("--measure names no measurement");
        }
        steadyRates = List.copyOf(steadyRates);
        layouts = source != null ? List.of(Layout.GIVEN) : List.copyOf(layouts);
        if (layouts.isEmpty()) {
            throw new IllegalArgumentException("--layout names no layout");
        }
        measurements = Set.copyOf(EnumSet.copyOf(measurements));
    }

    /**
     * Events on the source before a bridge first starts, in the catch-up, steady-lag and writer-cost
     * measurements: a tenth of {@link #events}. The bridge's snapshot copies them and computes the
     * read side's statistics, as in any deployment with a history. A read side that starts empty
     * keeps plans made for empty tables until autovacuum first analyzes it, minutes later on a busy
     * machine, and every figure would depend on when that happens.
     */
    public long history() {
        return events / 10;
    }

    public boolean embedded() {
        return source == null;
    }

    public boolean measures(Measurement measurement) {
        return measurements.contains(measurement);
    }
}
