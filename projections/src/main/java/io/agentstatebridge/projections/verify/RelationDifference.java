package io.agentstatebridge.projections.verify;

import java.util.List;

/**
 * How one read-side table differs from its definition on the source.
 *
 * @param missing   keys the definition yields but the read side lacks (up to a sample limit)
 * @param extra     keys the read side holds but the definition does not yield
 * @param different keys present on both sides with different values, as "key: source ≠ read side"
 */
public record RelationDifference(String relation, long sourceRows, long targetRows,
                                 long missingCount, List<String> missing,
                                 long extraCount, List<String> extra,
                                 long differentCount, List<String> different) {

    public boolean isEqual() {
        return missingCount == 0 && extraCount == 0 && differentCount == 0;
    }

    public String describe() {
        StringBuilder text = new StringBuilder()
                .append(relation).append(": ").append(sourceRows).append(" rows by definition, ")
                .append(targetRows).append(" on the read side");
        if (isEqual()) {
            return text.append(", equal").toString();
        }
        appendSample(text, "missing", missingCount, missing);
        appendSample(text, "extra", extraCount, extra);
        appendSample(text, "different", differentCount, different);
        return text.toString();
    }

    private static void appendSample(StringBuilder text, String what, long count, List<String> sample) {
        if (count == 0) {
            return;
        }
        text.append("\n  ").append(count).append(' ').append(what).append(count > sample.size() ? " (first " + sample.size() + ")" : "").append(':');
        sample.forEach(line -> text.append("\n    ").append(line));
    }
}
