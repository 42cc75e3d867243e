package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the figures as RFC 4180 CSV, one row per figure, values unformatted. */
final class CsvWriter {
    private CsvWriter() {
    }

    static void write(List<BenchFigure> figures, Path file) throws IOException {
        StringBuilder csv = new StringBuilder("layout,measurement,variant,metric,value,unit,target,verdict,note\r\n");
        for (BenchFigure f : figures) {
            csv.append(quote(f.layout().label())).append(',').append(quote(f.measurement())).append(',')
                    .append(quote(f.variant())).append(',').append(quote(f.metric())).append(',')
                    .append(Double.isNaN(f.value()) ? "" : String.format(Locale.ROOT, "%.3f", f.value())).append(',')
                    .append(quote(f.unit())).append(',').append(quote(f.targetText())).append(',').append(f.verdict()).append(',')
                    .append(quote(f.note())).append("\r\n");
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    private static String quote(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n")) {
            return '"' + field.replace("\"", "\"\"") + '"';
        }
        return field;
    }
}
