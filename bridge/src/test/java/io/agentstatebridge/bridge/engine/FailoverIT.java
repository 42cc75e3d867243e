package io.agentstatebridge.bridge.engine;

import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.bridge.testing.BridgeProcess;
import io.agentstatebridge.projections.testing.RandomChanges;
import io.agentstatebridge.projections.testing.RecordingSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two bridges started with the same configuration: one streams, the other stands by. The active
 * one is killed hard mid-stream; the standby takes over within 10 s from the committed position
 * and the read side converges exactly.
 */
class FailoverIT {

    @Test
    void standbyTakesOverWithinTenSecondsWhenTheActiveBridgeIsKilled() throws Exception {
        long seed = Long.getLong("bridge.seed", System.nanoTime());
        BridgeDatabases databases = new BridgeDatabases("failover");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> write(databases, new Random(seed), writing, writerFailure), "source-writer");
        try (BridgeProcess first = BridgeProcess.start("failover-first", arguments(databases))) {
            await("first bridge streaming").atMost(Duration.ofSeconds(90))
                    .until(() -> first.output().contains("streaming from") || !first.isAlive());
            try (BridgeProcess second = BridgeProcess.start("failover-second", arguments(databases))) {
                await("second bridge standing by").atMost(Duration.ofSeconds(90))
                        .until(() -> second.output().contains("standing by") || !second.isAlive());
                assertThat(second.output()).doesNotContain("streaming from");
                writer.start();
                Thread.sleep(3_000);

                long killedAt = System.nanoTime();
                first.kill();
                await("standby taking over").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> second.output().contains("streaming from") || !second.isAlive());
                double takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;
                System.out.printf("failover: standby streaming %.1f s after the active bridge was killed%n", takeoverSeconds);
                assertThat(second.isAlive()).as("standby alive; see %s", second.log()).isTrue();
                assertThat(takeoverSeconds).isLessThan(10.0);

                Thread.sleep(2_000);
                writing.set(false);
                writer.join();
                assertThat(writerFailure.get()).isNull();
                assertThat(databases.verifyDifferences(Duration.ofSeconds(120)))
                        .as("read side vs definitions after failover (seed %d)", seed).isNull();
                assertThat(second.terminate()).isZero();
            }
        } finally {
            writing.set(false);
            if (writer.isAlive()) {
                writer.join();
            }
        }
    }

    private static String[] arguments(BridgeDatabases databases) {
        return new String[] {"run", "--source-url", databases.source().jdbcUrl(), "--target-url", databases.target().jdbcUrl(),
                "--name", databases.name(), "--slot", databases.name(), "--publication", databases.name(),
                "--max-batch-size", "128", "--http-port", "0"};
    }

    private static void write(BridgeDatabases databases, Random random, AtomicBoolean writing, AtomicReference<Throwable> failure) {
        try (Connection source = databases.openSource()) {
            RecordingSource recording = new RecordingSource(source);
            RandomChanges changes = new RandomChanges(recording, random, 0);
            source.setAutoCommit(false);
            while (writing.get()) {
                for (int i = 0, size = 1 + random.nextInt(10); i < size; i++) {
                    changes.next();
                }
                source.commit();
                recording.drain();
                Thread.sleep(2);
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }
}
