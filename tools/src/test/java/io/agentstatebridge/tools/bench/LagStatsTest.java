package io.agentstatebridge.tools.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** The steady-lag verdicts: noise around a level is bounded, a lag that keeps growing is not. */
class LagStatsTest {
    private static final double WINDOW = 60;

    @Test
    void noisyLagAroundALevelIsBounded() {
        Random random = new Random(1);
        List<ProbeLog.Sample> samples = new ArrayList<>();
        for (double t = 0; t < WINDOW; t += 0.01) {
            // 80 ms with jitter, and a 600 ms hiccup (a checkpoint, a neighbour) in the middle
            double lag = 80 + random.nextGaussian() * 20 + (t > 30 && t < 31 ? 600 : 0);
            samples.add(new ProbeLog.Sample(t, Math.max(0, lag), false));
        }

        LagStats stats = LagStats.of(samples, WINDOW);

        assertThat(stats.bounded()).as(stats.describeGrowth()).isTrue();
        assertThat(stats.all().at(50)).isBetween(70.0, 90.0);
        assertThat(stats.all().max()).isGreaterThan(600);
    }

    @Test
    void lagThatGrowsThroughTheWindowIsNot() {
        List<ProbeLog.Sample> samples = new ArrayList<>();
        for (double t = 0; t < WINDOW; t += 0.01) {
            samples.add(new ProbeLog.Sample(t, 100 + 15 * t, false)); // falling behind by 1.5% of the rate
        }

        LagStats stats = LagStats.of(samples, WINDOW);

        assertThat(stats.bounded()).as(stats.describeGrowth()).isFalse();
        assertThat(stats.slopeMsPerS()).isCloseTo(15.0, offset(0.1));
        assertThat(stats.describeGrowth()).endsWith("GROWING");
    }

    @Test
    void probesNeverSeenCountWithTheirWaitSoFarAndAreMarked() {
        ProbeLog log = new ProbeLog();
        long start = 1_000_000_000L;
        log.committed(1, start);
        log.committed(2, start + 10_000_000);
        log.committed(3, start + 20_000_000);
        log.visibleUpTo(2, start + 60_000_000);

        List<ProbeLog.Sample> samples = log.samples(start, start + 1_000_000_000, start + 520_000_000);

        assertThat(samples).extracting(ProbeLog.Sample::lagMillis).containsExactly(60.0, 50.0, 500.0);
        assertThat(samples).extracting(ProbeLog.Sample::censored).containsExactly(false, false, true);
        assertThat(log.oldestInvisibleNanos(start + 520_000_000)).isEqualTo(500_000_000);
    }
}
