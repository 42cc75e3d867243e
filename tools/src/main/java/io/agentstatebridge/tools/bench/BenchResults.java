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
        out.printf("  => [%s] %s / %s / %s: %s %s%s%s%n", figure.layout().label(), figure.measurement(), figure.variant(),
                figure.metric(), figure.formattedValue(), figure.unitText(),
                figure.target() == null ? "" : "  (target " + figure.targetText() + ": " + figure.verdict() + ")",
                figure.note().isEmpty() ? "" : "  (" + figure.note() + ")");
        out.flush();
    }

    /** Adds figures of one layout, measurement and variant. */
    Scope scope(Layout layout, String measurement, String variant) {
        return new Scope(layout, measurement, variant);
    }

    /** Figures sharing a layout, a measurement and a variant. */
    final class Scope {
        private final Layout layout;
        private final String measurement;
        private final String variant;

        private Scope(Layout layout, String measurement, String variant) {
            this.layout = layout;
            this.measurement = measurement;
            this.variant = variant;
        }

        void add(String metric, double value, String unit, Target target, String note) {
            BenchResults.this.add(new BenchFigure(layout, measurement, variant, metric, value, unit, target, note));
        }

        void add(String metric, double value, String unit, String note) {
            add(metric, value, unit, null, note);
        }
    }

    public List<BenchFigure> figures() {
        return List.copyOf(figures);
    }
}
