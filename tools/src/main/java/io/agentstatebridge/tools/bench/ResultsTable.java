package io.agentstatebridge.tools.bench;

import java.io.PrintWriter;
import java.util.List;

/** Prints the figures as a Markdown table, ready to paste into the documentation. */
final class ResultsTable {
    private static final String[] HEADER = {"Layout", "Measurement", "Variant", "Figure", "Value", "Unit", "Target", "", "Note"};
    private static final int VALUE = 4;

    private ResultsTable() {
    }

    static void print(List<BenchFigure> figures, PrintWriter out) {
        int[] widths = new int[HEADER.length];
        for (int i = 0; i < HEADER.length; i++) {
            widths[i] = HEADER[i].length();
        }
        for (BenchFigure f : figures) {
            String[] cells = cells(f);
            for (int i = 0; i < cells.length; i++) {
                widths[i] = Math.max(widths[i], cells[i].length());
            }
        }
        row(HEADER, widths, out);
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == VALUE ? "-".repeat(widths[i] + 1) + ":|" : "-".repeat(widths[i] + 2) + "|");
        }
        out.println(rule);
        for (BenchFigure f : figures) {
            row(cells(f), widths, out);
        }
        out.flush();
    }

    private static String[] cells(BenchFigure f) {
        return new String[] {f.layout().label(), f.measurement(), f.variant(), f.metric(), f.formattedValue(), f.unitText(),
                f.targetText(), f.verdict(), f.note()};
    }

    private static void row(String[] cells, int[] widths, PrintWriter out) {
        StringBuilder line = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i].replace("|", "/");
            line.append(' ').append(pad(cell, widths[i], i == VALUE)).append(" |");
        }
        out.println(line);
    }

    private static String pad(String text, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - text.length()));
        return right ? spaces + text : text + spaces;
    }
}
