package io.agentstatebridge.tools.soak;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The soak's verdicts from known series: what counts as unbounded lag and a growing heap. */
class SoakSummaryTest {
    private static final long MB = 1024 * 1024;

    @Test
    void lagThatKeepsGrowingIsUnbounded() {
        SoakSummary summary = SoakSummary.of(samples(600, t -> 0.2 * t, t -> 100 * MB));

        assertThat(summary.lagSlopePerMinute()).isCloseTo(12.0, within(0.01));
        assertThat(summary.lagUnbounded()).isTrue();
        assertThat(printed(summary)).contains("UNBOUNDED (kept growing)");
    }

    @Test
    void flatSubSecondLagIsBounded() {
        SoakSummary summary = SoakSummary.of(samples(600, t -> 0.3 + 0.2 * Math.sin(t), t -> 100 * MB));

        assertThat(summary.lagUnbounded()).isFalse();
        assertThat(summary.lag().at(50)).isBetween(0.1, 0.5);
        assertThat(summary.lag().max()).isLessThanOrEqualTo(0.5);
        assertThat(printed(summary)).contains("bounded").doesNotContain("UNBOUNDED");
    }

    @Test
    void aBacklogThatDrainsBeforeTheEndIsBounded() {
        // 30 s behind early on, drained by the second half: the bridge kept up on average.
        SoakSummary summary = SoakSummary.of(samples(600, t -> t < 200 ? 30 * Math.sin(Math.PI * t / 200) : 0.4, t -> 100 * MB));

        assertThat(summary.lag().max()).isGreaterThan(29);
        assertThat(summary.lagUnbounded()).isFalse();
    }

    @Test
    void lagNeverKnownCountsAsUnbounded() {
        SoakSummary summary = SoakSummary.of(samples(60, t -> Double.NaN, t -> 100 * MB));

        assertThat(summary.lagUnbounded()).isTrue();
        assertThat(printed(summary)).contains("NEVER KNOWN");
    }

    @Test
    void heapAfterCollectionsClimbingPastTheFirstHalfIsGrowing() {
        SoakSummary summary = SoakSummary.of(samples(600, t -> 0.3, t -> (50 + t / 10) * MB));

        assertThat(summary.heapAfterGc().slopePerMinute() / MB).isCloseTo(6.0, within(0.01));
        assertThat(summary.heapAfterGc().growing()).isTrue();
        assertThat(printed(summary)).contains("GROWING");
    }

    @Test
    void aFewMegabytesMoreAfterCollectionsIsFlat() {
        SoakSummary summary = SoakSummary.of(samples(10, t -> 0.3, t -> (21 + t / 5) * MB));

        assertThat(summary.heapAfterGc().slopePerMinute()).isPositive();
        assertThat(summary.heapAfterGc().growing()).isFalse();
    }

    @Test
    void heapAfterCollectionsOscillatingAroundALevelIsFlat() {
        SoakSummary summary = SoakSummary.of(samples(600, t -> 0.3, t -> (60 + 10 * Math.sin(t / 20)) * MB));

        assertThat(summary.heapAfterGc().growing()).isFalse();
        assertThat(printed(summary)).contains(": flat");
    }

    /** One sample a second for {@code seconds}; NaN lag stands for unknown. */
    private static List<SoakSample> samples(int seconds, DoubleUnaryOperator lag, DoubleUnaryOperator heapAfterGc) {
        List<SoakSample> samples = new ArrayList<>();
        for (int t = 1; t <= seconds; t++) {
            double lagSeconds = lag.applyAsDouble(t);
            long afterGc = (long) heapAfterGc.applyAsDouble(t);
            samples.add(new SoakSample(t, 1000L * t, Double.isNaN(lagSeconds) ? null : lagSeconds, afterGc + 100 * MB,
                    512 * MB, afterGc, 400 * MB + t, t / 5, t, 1.5));
        }
        return samples;
    }

    private static String printed(SoakSummary summary) {
        StringWriter text = new StringWriter();
        summary.print(new PrintWriter(text, true));
        return text.toString();
    }
}
