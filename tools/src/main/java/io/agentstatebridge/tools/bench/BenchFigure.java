package io.agentstatebridge.tools.bench;

/**
 * One measured figure: a row of the printed table and of bench.csv.
 *
 * @param measurement which of the measurements ("catch-up", "reads", ...)
 * @param variant     what was varied ("100-event tx", "no consumer", ...)
 * @param metric      what the value is ("bridge", "p99 lag", ...)
 * @param value       the figure; NaN when it could not be measured
 * @param unit        its unit, also how the chart picks figures ("events/s", "% of no consumer")
 * @param note        anything a reader needs to trust it: verification, rate not reached, sample size
 */
public record BenchFigure(String measurement, String variant, String metric, double value, String unit, String note) {
    public static final String EVENTS_PER_SECOND = "events/s";
    public static final String SHARE = "% of no consumer";

    public BenchFigure(String measurement, String variant, String metric, double value, String unit) {
        this(measurement, variant, metric, value, unit, "");
    }

    public String formattedValue() {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (unit.equals("ratio")) {
            return String.format("%.2f", value);
        }
        if (unit.equals("ms") && value < 100) {
            return String.format("%.2f", value);
        }
        return String.format("%,.0f", value);
    }
}
