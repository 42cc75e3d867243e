package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws the headline figures as a self-contained SVG of horizontal bar charts: events/s of the
 * bridge and PostgreSQL's decoder (catch-up, snapshot), and the writers' throughput as a share of
 * no consumer. Picks figures by unit, so it needs no knowledge of the measurements.
 */
final class SvgChart {
    private static final int WIDTH = 860;
    private static final int LABEL_WIDTH = 330;
    private static final int BAR_AREA = 400;
    private static final int BAR = 20;
    private static final int GAP = 6;

    private SvgChart() {
    }

    static void write(List<BenchFigure> figures, String subtitle, Path file) throws IOException {
        List<BenchFigure> rates = figures.stream()
                .filter(f -> f.unit().equals(BenchFigure.EVENTS_PER_SECOND) && !Double.isNaN(f.value())).toList();
        List<BenchFigure> shares = figures.stream()
                .filter(f -> f.unit().equals(BenchFigure.SHARE) && !Double.isNaN(f.value())).toList();
        StringBuilder body = new StringBuilder();
        int y = 50;
        y = panel(body, "Throughput, events/s (catch-up and snapshot: bridge vs PostgreSQL's own decoder)", rates, y, false);
        y = panel(body, "Writers' throughput, % of no consumer (8 connections)", shares, y + 20, true);
        String svg = String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                + "<text x=\"10\" y=\"22\" font-size=\"16\" font-weight=\"bold\">agent-state-bridge benchmark</text>%n"
                + "<text x=\"10\" y=\"40\" fill=\"#555\">%s</text>%n%s</svg>%n", WIDTH, y + 10, escape(subtitle), body);
        Files.writeString(file, svg, StandardCharsets.UTF_8);
    }

    private static int panel(StringBuilder svg, String title, List<BenchFigure> bars, int top, boolean share) {
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>%n", top + 14, escape(title)));
        double max = bars.stream().mapToDouble(BenchFigure::value).max().orElse(1);
        if (share) {
            max = Math.max(100, max);
        }
        int y = top + 24;
        for (BenchFigure bar : bars) {
            int length = (int) Math.round(BAR_AREA * bar.value() / max);
            String colour = colour(bar.metric());
            svg.append(String.format(Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n"
                            + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n"
                            + "<text x=\"%d\" y=\"%d\">%s</text>%n",
                    LABEL_WIDTH - 6, y + 14, escape(bar.measurement() + ", " + bar.variant() + ": " + bar.metric()),
                    LABEL_WIDTH, y, Math.max(1, length), BAR, colour,
                    LABEL_WIDTH + length + 6, y + 14, bar.formattedValue() + (share ? " %" : "")));
            y += BAR + GAP;
        }
        return y;
    }

    private static String colour(String metric) {
        if (metric.contains("decoder") || metric.equals("no consumer")) {
            return "#9aa5b1";
        }
        if (metric.contains("trigger")) {
            return "#d9822b";
        }
        return "#2b6cb0";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
