package io.agentstatebridge.tools.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The figures of one run, in the order measured; prints each as it arrives. Not thread-safe. */
public final class BenchResults {
    private final List<BenchFigure> figures = new ArrayList<>();
    private final PrintWriter out;

    public BenchResults(PrintWriter out) {
        this.out = out;
    }

    public void add(BenchFigure figure) {
        figures.add(figure);
        out.printf("  => %s / %s / %s: %s %s%s%n", figure.measurement(), figure.variant(), figure.metric(),
                figure.formattedValue(), figure.unit(), figure.note().isEmpty() ? "" : "  (" + figure.note() + ")");
        out.flush();
    }

    public List<BenchFigure> figures() {
        return List.copyOf(figures);
    }

    /** The value of the first figure matching, or NaN. */
    public double value(String measurement, String variant, String metric) {
        return figures.stream()
                .filter(f -> f.measurement().equals(measurement) && f.variant().equals(variant) && f.metric().equals(metric))
                .mapToDouble(BenchFigure::value).findFirst().orElse(Double.NaN);
    }
}
