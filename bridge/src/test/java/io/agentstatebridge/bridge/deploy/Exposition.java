package io.agentstatebridge.bridge.deploy;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series in a Prometheus text exposition, by sample name: each name exactly as Prometheus stores
 * it (counters with _total, summaries as the quantile series plus _count, _sum and Micrometer's _max),
 * with the labels and label values seen on it. Queries must use these names verbatim, so no suffix
 * rules are needed to compare them.
 */
final class Exposition {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+(\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    private final Map<String, Map<String, Set<String>>> series = new TreeMap<>();

    Exposition(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line.strip());
            if (!sample.matches()) {
                throw new AssertionError("not a sample line of the text exposition format: " + line);
            }
            Map<String, Set<String>> labels = series.computeIfAbsent(sample.group(1), name -> new TreeMap<>());
            if (sample.group(3) != null) {
                Matcher label = LABEL.matcher(sample.group(3));
                while (label.find()) {
                    labels.computeIfAbsent(label.group(1), name -> new TreeSet<>()).add(label.group(2));
                }
            }
        }
    }

    Set<String> names() {
        return series.keySet();
    }

    boolean has(String name) {
        return series.containsKey(name);
    }

    /** The labels on a series and the values each took. */
    Map<String, Set<String>> labels(String name) {
        return series.getOrDefault(name, Map.of());
    }
}
