package io.agentstatebridge.tools.soak;

import io.agentstatebridge.tools.measure.Percentiles;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What a soak's one-second samples add up to: lag percentiles and whether lag stayed bounded,
 * heap in use and heap after collections in each half with their trend, RSS and collections.
 *
 * <p>Lag is unbounded when, over the second half, it rose by more than {@value #UNBOUNDED_LAG_SLOPE}
 * s per minute (least squares) and the last quarter's median exceeds {@value #UNBOUNDED_LAG_FLOOR} s:
 * a bridge that keeps up shows a flat, sub-second lag; one that falls behind shows lag growing with
 * the backlog. The heap after collections is growing when its floor keeps rising: the lowest
 * figure of the last quarter lies more than 10% above the highest of the first quarter (and the
 * slope is positive). Heap in use at a random moment mostly shows the young generation filling,
 * so it is reported but not judged.
 */
record SoakSummary(int samples, double seconds, Percentiles lag, double lagSlopePerMinute, double lastQuarterLagP50,
                   Trend heapUsed, Trend heapAfterGc, long heapCommittedEnd, long rssStart, long rssEnd, long rssMax,
                   long gcCount, long gcMillis, double loadAverageMean, double loadAverageMax) {
    static final double UNBOUNDED_LAG_SLOPE = 1.0;
    static final double UNBOUNDED_LAG_FLOOR = 5.0;
    private static final double MB = 1024 * 1024;

    /**
     * Minimum and maximum of a figure in each half of the run, its slope per minute over all of it,
     * and the highest of the first quarter and lowest of the last.
     */
    record Trend(double firstMin, double firstMax, double secondMin, double secondMax, double slopePerMinute,
                 double firstQuarterMax, double lastQuarterMin) {
        boolean growing() {
            return lastQuarterMin > firstQuarterMax * 1.1 && slopePerMinute > 0;
        }
    }

    static SoakSummary of(List<SoakSample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a soak summary needs at least one sample");
        }
        double seconds = samples.get(samples.size() - 1).seconds();
        List<SoakSample> lagKnown = samples.stream().filter(s -> s.lagSeconds() != null).toList();
        List<SoakSample> secondHalf = lagKnown.stream().filter(s -> s.seconds() >= seconds / 2).toList();
        List<SoakSample> lastQuarter = lagKnown.stream().filter(s -> s.seconds() >= seconds * 3 / 4).toList();
        List<SoakSample> withGc = samples.stream().filter(s -> s.heapAfterGcBytes() >= 0).toList();
        List<SoakSample> withRss = samples.stream().filter(s -> s.rssBytes() >= 0).toList();
        SoakSample last = samples.get(samples.size() - 1);
        return new SoakSummary(samples.size(), seconds,
                new Percentiles(values(lagKnown, SoakSample::lagSeconds)),
                slopePerMinute(secondHalf, SoakSample::lagSeconds),
                new Percentiles(values(lastQuarter, SoakSample::lagSeconds)).at(50),
                trend(samples, seconds, SoakSample::heapUsedBytes),
                trend(withGc, seconds, SoakSample::heapAfterGcBytes),
                last.heapCommittedBytes(),
                withRss.isEmpty() ? -1 : withRss.get(0).rssBytes(),
                withRss.isEmpty() ? -1 : withRss.get(withRss.size() - 1).rssBytes(),
                withRss.stream().mapToLong(SoakSample::rssBytes).max().orElse(-1),
                last.gcCount() - samples.get(0).gcCount(), last.gcMillis() - samples.get(0).gcMillis(),
                samples.stream().mapToDouble(SoakSample::loadAverage).filter(l -> l >= 0).average().orElse(-1),
                samples.stream().mapToDouble(SoakSample::loadAverage).filter(l -> l >= 0).max().orElse(-1));
    }

    /** Lag kept growing, or was never known at all. */
    boolean lagUnbounded() {
        return lag.size() == 0
                || (lagSlopePerMinute > UNBOUNDED_LAG_SLOPE && lastQuarterLagP50 > UNBOUNDED_LAG_FLOOR);
    }

    void print(PrintWriter out) {
        out.printf("  lag (status record, 1 s samples)  p50 %.2f s   p99 %.2f s   max %.2f s; second half %+.2f s/min, "
                        + "last quarter p50 %.2f s: %s%n", lag.at(50), lag.at(99), lag.max(), lagSlopePerMinute,
                lastQuarterLagP50, lag.size() == 0 ? "NEVER KNOWN" : lagUnbounded() ? "UNBOUNDED (kept growing)" : "bounded");
        printTrend(out, "heap used", heapUsed, "");
        printTrend(out, "heap after GC", heapAfterGc, String.format(": %s (last quarter min %.0f MB, first quarter max %.0f MB)",
                heapAfterGc.growing() ? "GROWING" : "flat", heapAfterGc.lastQuarterMin() / MB, heapAfterGc.firstQuarterMax() / MB));
        out.printf("  heap committed at end %.0f MB (limit %.0f MB)%n", heapCommittedEnd / MB, Runtime.getRuntime().maxMemory() / MB);
        out.printf("  RSS               %s%n", rssStart < 0 ? "unavailable (not Linux)"
                : String.format("start %.0f MB, end %.0f MB, max %.0f MB", rssStart / MB, rssEnd / MB, rssMax / MB));
        out.printf("  GC                %,d collections, %.1f s in all (%.2f%% of the run)%n", gcCount, gcMillis / 1000.0,
                100.0 * gcMillis / 1000.0 / Math.max(1e-9, seconds));
        out.printf("  machine           %d processors; %s%n", Runtime.getRuntime().availableProcessors(), loadAverageMean < 0
                ? "load average unavailable"
                : String.format("1-min load average mean %.1f, max %.1f", loadAverageMean, loadAverageMax));
    }

    private static void printTrend(PrintWriter out, String what, Trend h, String verdict) {
        if (Double.isNaN(h.firstMin()) && Double.isNaN(h.secondMin())) {
            out.printf("  %-17s no figures%n", what);
            return;
        }
        out.printf("  %-17s first half min %.0f / max %.0f MB; second half min %.0f / max %.0f MB; slope %+.2f MB/min%s%n",
                what, h.firstMin() / MB, h.firstMax() / MB, h.secondMin() / MB, h.secondMax() / MB, h.slopePerMinute() / MB,
                verdict);
    }

    private static Trend trend(List<SoakSample> samples, double seconds, ToDoubleFunction<SoakSample> figure) {
        List<SoakSample> first = samples.stream().filter(s -> s.seconds() < seconds / 2).toList();
        List<SoakSample> second = samples.stream().filter(s -> s.seconds() >= seconds / 2).toList();
        List<SoakSample> firstQuarter = samples.stream().filter(s -> s.seconds() < seconds / 4).toList();
        List<SoakSample> lastQuarter = samples.stream().filter(s -> s.seconds() >= seconds * 3 / 4).toList();
        return new Trend(min(first, figure), max(first, figure), min(second, figure), max(second, figure),
                slopePerMinute(samples, figure), max(firstQuarter, figure), min(lastQuarter, figure));
    }

    /** Least-squares slope of the figure against time, per minute; 0 for fewer than two samples. */
    static double slopePerMinute(List<SoakSample> samples, ToDoubleFunction<SoakSample> figure) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double meanT = samples.stream().mapToDouble(SoakSample::seconds).average().orElseThrow();
        double meanY = samples.stream().mapToDouble(figure).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (SoakSample s : samples) {
            double dt = s.seconds() - meanT;
            covariance += dt * (figure.applyAsDouble(s) - meanY);
            variance += dt * dt;
        }
        return variance == 0 ? 0 : covariance / variance * 60;
    }

    private static double[] values(List<SoakSample> samples, ToDoubleFunction<SoakSample> figure) {
        return samples.stream().mapToDouble(figure).toArray();
    }

    private static double min(List<SoakSample> samples, ToDoubleFunction<SoakSample> figure) {
        return samples.stream().mapToDouble(figure).min().orElse(Double.NaN);
    }

    private static double max(List<SoakSample> samples, ToDoubleFunction<SoakSample> figure) {
        return samples.stream().mapToDouble(figure).max().orElse(Double.NaN);
    }
}
