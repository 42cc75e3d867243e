package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Draws the headline figures as a self-contained SVG: one panel per target of the throughput issue
 * (catch-up, snapshot, steady lag, writer cost, bridge memory), a bar per layout in each row, and the
 * target drawn as a dashed mark. PostgreSQL's decoder is drawn beside the catch-up for scale; bars
 * beyond a panel's axis are cut and labelled. Lag uses a logarithmic axis (milliseconds to minutes).
 */
final class SvgChart {
    private static final int WIDTH = 940;
    private static final int LABEL_WIDTH = 300;
    private static final int AREA = 500;
    private static final int BAR = 13;
    private static final int ROW_GAP = 9;

    private record Bar(Layout layout, double value, String text, boolean faint) {
    }

    private record Row(String label, List<Bar> bars, Target target) {
    }

    private SvgChart() {
    }

    /** {@code subtitle}: lines under the title (machine, code, load); {@code events}: the backlog's size. */
    static void write(List<BenchFigure> figures, List<String> subtitle, long events, Path file) throws IOException {
        Set<Layout> layouts = new LinkedHashSet<>();
        figures.forEach(f -> layouts.add(f.layout()));
        StringBuilder body = new StringBuilder();
        int y = 40;
        for (String line : wrap(subtitle)) {
            body.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" fill=\"#555\" font-size=\"10\">%s</text>%n", y,
                    escape(line)));
            y += 13;
        }
        y = legend(body, layouts, y + 12);
        y = panel(body, String.format(Locale.ROOT, "Catch-up from a %,d-event backlog, events/s (pale: PostgreSQL's own decoder, "
                + "for scale)", events),
                catchUpRows(figures, layouts), y, false);
        y = panel(body, "Initial snapshot with writers writing, events/s", List.of(
                row("initial snapshot", figures, layouts, f -> f.measurement().equals(SnapshotMeasurement.NAME)
                        && f.metric().equals("bridge"), false)), y, false);
        y = panel(body, "Steady lag, p99 from a source commit to visible on the read side, ms (log scale)",
                lagRows(figures, layouts), y, true);
        y = panel(body, "Writers' throughput while the bridge keeps up, % of no consumer", writerRows(figures, layouts), y, false);
        y = panel(body, "Bridge process resident set, peak through the catch-up (VmHWM), MB", memoryRows(figures, layouts), y, false);
        String svg = String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                + "<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">agent-state-bridge benchmark</text>%n"
                + "%s</svg>%n", WIDTH, y + 10, body);
        Files.writeString(file, svg, StandardCharsets.UTF_8);
    }

    private static List<Row> catchUpRows(List<BenchFigure> figures, Set<Layout> layouts) {
        List<Row> rows = new ArrayList<>();
        for (String variant : List.of("100-event tx", "1-event tx")) {
            Predicate<BenchFigure> catchUp = f -> f.measurement().equals(CatchUpMeasurement.NAME) && f.variant().equals(variant)
                    && f.unit().equals(BenchFigure.EVENTS_PER_SECOND);
            Set<String> metrics = new LinkedHashSet<>();
            figures.stream().filter(catchUp).map(BenchFigure::metric).filter(m -> !m.contains("decoder")).forEach(metrics::add);
            figures.stream().filter(catchUp).map(BenchFigure::metric).filter(m -> m.contains("decoder")).forEach(metrics::add);
            for (String metric : metrics) {
                rows.add(row(variant + ", " + metric, figures, layouts, catchUp.and(f -> f.metric().equals(metric)),
                        metric.contains("decoder")));
            }
        }
        return rows;
    }

    private static List<Row> lagRows(List<BenchFigure> figures, Set<Layout> layouts) {
        Set<String> rates = new LinkedHashSet<>();
        figures.stream().filter(f -> f.measurement().equals(SteadyLagMeasurement.NAME)).map(BenchFigure::variant).forEach(rates::add);
        List<Row> rows = new ArrayList<>();
        for (String rate : rates) {
            Row p99 = row(rate, figures, layouts, f -> f.measurement().equals(SteadyLagMeasurement.NAME) && f.variant().equals(rate)
                    && f.metric().equals("p99 lag"), false);
            List<Bar> bars = new ArrayList<>();
            for (Bar bar : p99.bars()) {
                Optional<BenchFigure> bounded = figures.stream().filter(f -> f.layout() == bar.layout()
                        && f.measurement().equals(SteadyLagMeasurement.NAME) && f.variant().equals(rate)
                        && f.metric().equals("lag bounded")).findFirst();
                String suffix = bounded.map(f -> f.value() == 1 ? ", bounded" : Double.isNaN(f.value()) ? "" : ", GROWING").orElse("");
                bars.add(new Bar(bar.layout(), bar.value(), bar.text() + suffix, false));
            }
            rows.add(new Row(rate, bars, p99.target()));
        }
        return rows;
    }

    private static List<Row> writerRows(List<BenchFigure> figures, Set<Layout> layouts) {
        List<Row> rows = new ArrayList<>();
        for (String variant : List.of("1-event tx", "100-event tx")) {
            for (String consumer : List.of("bridge streaming", "sync triggers")) {
                Row row = row(variant + ", " + consumer, figures, layouts, f -> f.measurement().equals(WriterCostMeasurement.NAME)
                        && f.variant().equals(variant) && f.metric().equals(consumer), consumer.contains("triggers"));
                if (!row.bars().isEmpty()) {
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private static List<Row> memoryRows(List<BenchFigure> figures, Set<Layout> layouts) {
        Set<String> rows = new LinkedHashSet<>();
        figures.stream().filter(f -> f.measurement().equals(CatchUpMeasurement.MEMORY) && f.variant().endsWith("catch-up"))
                .map(f -> f.variant() + "|" + f.metric()).forEach(rows::add);
        return rows.stream().map(key -> {
            String[] parts = key.split("\\|", 2);
            return row(parts[0] + ", " + parts[1].replaceFirst(" -XX.*", ""), figures, layouts, f -> f.measurement()
                    .equals(CatchUpMeasurement.MEMORY) && f.variant().equals(parts[0]) && f.metric().equals(parts[1]), false);
        }).filter(row -> !row.bars().isEmpty()).toList();
    }

    private static Row row(String label, List<BenchFigure> figures, Set<Layout> layouts, Predicate<BenchFigure> which, boolean faint) {
        List<Bar> bars = new ArrayList<>();
        Target target = null;
        for (Layout layout : layouts) {
            Optional<BenchFigure> figure = figures.stream().filter(f -> f.layout() == layout).filter(which).findFirst();
            if (figure.isPresent()) {
                BenchFigure f = figure.get();
                bars.add(new Bar(layout, f.value(), f.formattedValue() + (f.unit().startsWith("%") ? " %" : ""), faint));
                target = target == null ? f.target() : target;
            }
        }
        return new Row(label, bars, target);
    }

    private static int legend(StringBuilder svg, Set<Layout> layouts, int y) {
        int x = 10;
        for (Layout layout : layouts) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, y - 10, colour(layout), x + 16, y, escape(layout.label())));
            x += 30 + 7 * layout.label().length();
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c53030\" "
                + "stroke-dasharray=\"4,3\" stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">target (throughput issue)</text>%n",
                x, y - 10, x, y + 2, x + 6, y));
        return y + 14;
    }

    private static int panel(StringBuilder svg, String title, List<Row> rows, int top, boolean log) {
        if (rows.isEmpty()) {
            return top;
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>%n", top + 14, escape(title)));
        double max = 0;
        for (Row row : rows) {
            for (Bar bar : row.bars()) {
                if (!bar.faint() && !Double.isNaN(bar.value())) {
                    max = Math.max(max, bar.value());
                }
            }
            if (row.target() != null) {
                max = Math.max(max, row.target().threshold());
            }
        }
        max = max <= 0 ? 1 : max * 1.1;
        int y = top + 24;
        for (Row row : rows) {
            int height = Math.max(1, row.bars().size()) * (BAR + 2);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LABEL_WIDTH - 8,
                    y + height / 2 + 4, escape(row.label())));
            int barY = y;
            for (Bar bar : row.bars()) {
                double share = Double.isNaN(bar.value()) ? 0 : log ? logShare(bar.value(), max) : bar.value() / max;
                boolean cut = share > 1;
                int length = (int) Math.round(AREA * Math.min(1, share));
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"%s/>%n"
                                + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n", LABEL_WIDTH, barY, Math.max(1, length), BAR,
                        colour(bar.layout()), bar.faint() ? " fill-opacity=\"0.35\"" : "", LABEL_WIDTH + length + 5, barY + BAR - 2,
                        escape((cut ? "» " : "") + bar.text())));
                barY += BAR + 2;
            }
            if (row.target() != null) {
                int x = LABEL_WIDTH + (int) Math.round(AREA * (log ? logShare(row.target().threshold(), max)
                        : row.target().threshold() / max));
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c53030\" "
                        + "stroke-dasharray=\"4,3\" stroke-width=\"2\"><title>target %s</title></line>%n", x, y - 2, x, y + height,
                        escape(row.target().text())));
            }
            y += height + ROW_GAP;
        }
        return y + 12;
    }

    /** The lines, long ones broken after a "; " so that each fits the width at the subtitle's size. */
    private static List<String> wrap(List<String> lines) {
        int fits = 170;
        List<String> wrapped = new ArrayList<>();
        for (String line : lines) {
            StringBuilder current = new StringBuilder();
            for (String part : line.split("(?<=; )")) {
                if (current.length() > 0 && current.length() + part.length() > fits) {
                    wrapped.add(current.toString().strip());
                    current.setLength(0);
                }
                current.append(part);
            }
            wrapped.add(current.toString().strip());
        }
        return wrapped;
    }

    /** Position on a logarithmic axis from 1 to {@code max}. */
    private static double logShare(double value, double max) {
        return Math.log10(Math.max(1, value)) / Math.log10(Math.max(10, max));
    }

    private static String colour(Layout layout) {
        return switch (layout) {
            case TWO_SERVERS -> "#2b6cb0";
            case ONE_SERVER -> "#38a169";
            case GIVEN -> "#805ad5";
        };
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
