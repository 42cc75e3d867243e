package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.DatabaseUrl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How big and how long each measurement is.
 *
 * @param events        backlog, snapshot and read-side size
 * @param steadyRates   write rates (events/s) of the steady-state lag measurement
 * @param steadyPhase   how long each steady rate is held
 * @param writerPhase   how long the writers write in each cost-to-the-writers run
 * @param lookups       point lookups per read query (fewer if {@link #lookupBudget} runs out)
 * @param lookupBudget  most time spent on one read query's lookups
 * @param output        directory receiving bench.csv and bench.svg
 * @param source        a given write-side database, or null for an embedded PostgreSQL
 * @param target        a given read-side database, or null for an embedded PostgreSQL
 */
public record BenchSettings(long events, List<Integer> steadyRates, Duration steadyPhase, Duration writerPhase,
                            int lookups, Duration lookupBudget, Path output, DatabaseUrl source, DatabaseUrl target) {
    /** Concurrent writer connections wherever the issue asks for "8 connections". */
    public static final int WRITER_CONNECTIONS = 8;

    public BenchSettings {
        if (events < 1_000) {
            throw new IllegalArgumentException("--events must be at least 1000 (one event per agent), got " + events);
        }
        if ((source == null) != (target == null)) {
            throw new IllegalArgumentException("give both --source-url and --target-url, or neither for an embedded PostgreSQL");
        }
        if (source != null && source.describe().equals(target.describe())) {
            throw new IllegalArgumentException("--source-url and --target-url must be different databases: both hold "
                    + "agent_events (write side and replica)");
        }
        steadyRates = List.copyOf(steadyRates);
    }

    public boolean embedded() {
        return source == null;
    }
}
