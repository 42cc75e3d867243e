package io.agentstatebridge.tools.bench;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.projections.testing.PostgresFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark end to end at toy sizes, on the shared test server: every measurement reports, catch-up verifies. */
class BenchSmokeTest {
    @TempDir
    Path output;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyMeasurementReportsAndCatchUpVerifiesEqual() throws Exception {
        PostgresFixture postgres = PostgresFixture.get();
        DatabaseUrl source = DatabaseUrl.parse(postgres.createDatabase("bench_source").jdbcUrl(), "source");
        DatabaseUrl target = DatabaseUrl.parse(postgres.createDatabase("bench_target").jdbcUrl(), "target");
        BenchSettings settings = new BenchSettings(2_000, List.of(200, 500), Duration.ofSeconds(2), Duration.ofSeconds(1),
                50, Duration.ofSeconds(2), output, source, target);
        StringWriter log = new StringWriter();

        new Benchmark(settings, new PrintWriter(log, true)).run();

        List<String> rows = Files.readAllLines(output.resolve("bench.csv"));
        assertThat(rows).as(log.toString()).noneMatch(row -> row.contains(",failed,"));
        assertThat(rows).anyMatch(row -> row.startsWith("catch-up,100-event tx,verified equal,1.000"))
                .anyMatch(row -> row.startsWith("catch-up,1-event tx,verified equal,1.000"))
                .anyMatch(row -> row.startsWith("catch-up,100-event tx,PostgreSQL decoder,"))
                .anyMatch(row -> row.startsWith("memory,1-event tx,max RSS,"))
                .anyMatch(row -> row.startsWith("snapshot,initial snapshot,bridge,"))
                .anyMatch(row -> row.startsWith("reads,agent current state by key,projection (read side) p99,"))
                .anyMatch(row -> row.startsWith("reads,session summary by key,view over agent_events (write side) p99,"))
                .anyMatch(row -> row.startsWith("steady lag,500 events/s,p99 lag,"))
                .anyMatch(row -> row.startsWith("writer cost,1-event tx,sync triggers,"))
                .anyMatch(row -> row.startsWith("writer cost,100-event tx,bridge streaming,"));
        assertThat(Files.readString(output.resolve("bench.svg"))).startsWith("<svg").contains("PostgreSQL decoder");
    }
}
