package io.agentstatebridge.tools.bench;

import java.util.Locale;

/**
 * One measured figure: a row of the printed table and of bench.csv.
 *
 * @param layout      where source and target were (two servers, one server, given databases)
 * @param measurement which measurement ("catch-up", "steady lag", ...)
 * @param variant     what was varied ("100-event tx", "5,000 events/s", ...)
 * @param metric      what the value is ("bridge", "p99 lag", ...)
 * @param value       the figure; NaN when it could not be measured
 * @param unit        its unit, also how the chart picks figures ("events/s", "% of no consumer")
 * @param target      the target for it, or null
 * @param note        anything a reader needs to trust it: verification, sample size, what else ran
 */
public record BenchFigure(Layout layout, String measurement, String variant, String metric, double value, String unit,
                          Target target, String note) {
    public static final String EVENTS_PER_SECOND = "events/s";
    public static final String SHARE = "% of no consumer";
    public static final String MILLISECONDS = "ms";
    public static final String MEGABYTES = "MB";
    public static final String YES = "1 = yes";

    public BenchFigure {
        note = note == null ? "" : note;
    }

    public String formattedValue() {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (unit.equals(YES)) {
            return value == 1 ? "yes" : "no";
        }
        if (unit.equals("ratio") || unit.equals("cores")) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        if (value != Math.rint(value) && Math.abs(value) < 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    /** The unit as printed beside the value: none for a yes or no. */
    public String unitText() {
        return unit.equals(YES) ? "" : unit;
    }

    /** The target as the table shows it, or empty. */
    public String targetText() {
        return target == null ? "" : target.text();
    }

    /** met, missed, n/a, or empty without a target. */
    public String verdict() {
        return target == null ? "" : target.verdict(value);
    }
}
