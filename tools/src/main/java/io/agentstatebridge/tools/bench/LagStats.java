package io.agentstatebridge.tools.bench;

import io.agentstatebridge.tools.measure.Percentiles;

import java.util.List;

/**
 * What a window of probe lags says: percentiles over the whole window, the first and the last ten
 * seconds, the least-squares slope of lag against commit time, and whether the lag is bounded.
 * Growing means the bridge falls further behind as the window goes on: the median of the last ten
 * seconds exceeds that of the first ten by more than 100 ms and by more than half, and the slope
 * agrees (at least 2 ms of lag gained per second). Noise (a neighbour's burst, a checkpoint) moves
 * one end or the slope, rarely both.
 *
 * @param samples       probes committed in the window
 * @param censored      of them, not visible by the end of the wait after the window (counted at their wait so far)
 * @param all           percentiles over the window
 * @param first         percentiles over its first {@code edgeSeconds}
 * @param last          percentiles over its last {@code edgeSeconds}
 * @param slopeMsPerS   lag gained per second of the window
 * @param edgeSeconds   length of the first and last parts compared: 10 s, or a third of a shorter window
 */
record LagStats(int samples, int censored, Percentiles all, Percentiles first, Percentiles last, double slopeMsPerS,
                double edgeSeconds) {
    static final double EDGE_SECONDS = 10;
    private static final double GROWTH_FLOOR_MS = 100;
    private static final double SLOPE_FLOOR_MS_PER_S = 2;

    static LagStats of(List<ProbeLog.Sample> window, double windowSeconds) {
        double edge = Math.min(EDGE_SECONDS, windowSeconds / 3);
        Percentiles all = percentiles(window, 0, Double.MAX_VALUE);
        Percentiles first = percentiles(window, 0, edge);
        Percentiles last = percentiles(window, windowSeconds - edge, Double.MAX_VALUE);
        int censored = (int) window.stream().filter(ProbeLog.Sample::censored).count();
        return new LagStats(window.size(), censored, all, first, last, slope(window), edge);
    }

    boolean bounded() {
        double growth = last.at(50) - first.at(50);
        boolean endsDiffer = growth > Math.max(GROWTH_FLOOR_MS, 0.5 * first.at(50));
        return !(endsDiffer && slopeMsPerS >= SLOPE_FLOOR_MS_PER_S);
    }

    /** The evidence, for the figure's note. */
    String describeGrowth() {
        return String.format("median %.0f ms in the first %.0f s, %.0f ms in the last; %+.1f ms per s: %s",
                first.at(50), edgeSeconds, last.at(50), slopeMsPerS, bounded() ? "bounded" : "GROWING");
    }

    private static Percentiles percentiles(List<ProbeLog.Sample> window, double from, double to) {
        return new Percentiles(window.stream().filter(s -> s.atSeconds() >= from && s.atSeconds() < to)
                .mapToDouble(ProbeLog.Sample::lagMillis).toArray());
    }

    private static double slope(List<ProbeLog.Sample> window) {
        int n = window.size();
        if (n < 2) {
            return 0;
        }
        double meanX = window.stream().mapToDouble(ProbeLog.Sample::atSeconds).average().orElse(0);
        double meanY = window.stream().mapToDouble(ProbeLog.Sample::lagMillis).average().orElse(0);
        double covariance = 0;
        double variance = 0;
        for (ProbeLog.Sample s : window) {
            covariance += (s.atSeconds() - meanX) * (s.lagMillis() - meanY);
            variance += (s.atSeconds() - meanX) * (s.atSeconds() - meanX);
        }
        return variance == 0 ? 0 : covariance / variance;
    }
}
