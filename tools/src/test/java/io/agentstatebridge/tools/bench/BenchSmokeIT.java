package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.testing.BridgeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `bench` end to end at toy sizes, the way people run it: the tools' jar as its own JVM, starting its
 * two embedded servers and the bridge's production jar as a process of its own (found beside the
 * repository's build). Every measurement reports, catch-up and snapshot verify equal, the bridge's
 * memory is its own process's. Keeps the benchmark from rotting; its figures mean nothing.
 */
class BenchSmokeIT {
    @TempDir
    Path output;

    @Test
    void everyMeasurementReportsAndTheReadSideVerifiesEqual() throws Exception {
        try (BridgeProcess bench = BridgeProcess.start(BridgeProcess.built(Path.of("target", "agent-state-bridge-tools.jar")),
                "tools-bench-smoke", "bench", "--layout", "two-servers", "--events", "2000", "--steady-rates", "500",
                "--steady-seconds", "4", "--writer-seconds", "2", "--lookups", "20",
                "--output", output.toString())) {
            assertThat(bench.waitFor(Duration.ofMinutes(8))).as("bench exit status; see %s", bench.log()).isZero();
            String printed = bench.output();

            List<String> rows = Files.readAllLines(output.resolve("bench.csv"));
            assertThat(rows).as(printed).noneMatch(row -> row.contains(",failed,"));
            assertThat(rows).as(printed)
                    .anyMatch(row -> row.startsWith("two servers,catch-up,100-event tx,bridge,") && row.contains(",\"≥ 35,000\","))
                    .anyMatch(row -> row.startsWith("two servers,catch-up,100-event tx,bridge: verified equal,1.000,"))
                    .anyMatch(row -> row.startsWith("two servers,catch-up,1-event tx,bridge: verified equal,1.000,"))
                    .anyMatch(row -> row.startsWith("two servers,catch-up,100-event tx,PostgreSQL decoder,"))
                    .anyMatch(row -> row.startsWith("two servers,catch-up,100-event tx,bridge: target server CPU per event,"))
                    .anyMatch(row -> row.startsWith("two servers,bridge memory,100-event tx catch-up,bin/agent-state-bridge (README and Dockerfile)"))
                    .anyMatch(row -> row.startsWith("two servers,snapshot,initial snapshot,verified equal,1.000,"))
                    .anyMatch(row -> row.startsWith("two servers,reads,agent current state by key,projection (read side) p99,"))
                    .anyMatch(row -> row.startsWith("two servers,steady lag,500 events/s,p99 lag,"))
                    .anyMatch(row -> row.startsWith("two servers,steady lag,500 events/s,lag bounded,"))
                    .anyMatch(row -> row.startsWith("two servers,writer cost,1-event tx,bridge streaming,"))
                    .anyMatch(row -> row.startsWith("two servers,writer cost,100-event tx,sync triggers,"));
            assertThat(printed).contains("the bridge runs as its own process, e.g.: ", "bin/agent-state-bridge run --source-url",
                    "source server: PostgreSQL", "wal_level=logical", "load average (1 min)");
            assertThat(Files.readString(output.resolve("bench.svg"))).startsWith("<svg").contains("Catch-up", "target");
        }
    }
}
