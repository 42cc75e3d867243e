package io.agentstatebridge.bridge.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series selectors in a PromQL expression: each metric name it reads and the label matchers on it.
 * A small scanner, not a parser: it knows PromQL's lexical shapes (identifiers, function calls, label
 * lists after by/without/on/ignoring, ranges, strings, numbers and durations), which is all it takes to
 * tell metric names from everything else.
 */
final class PromQl {
    record LabelMatcher(String label, String operator, String value) {
        boolean isEquality() {
            return operator.equals("=");
        }
    }

    /** {@code metric} is null for a selector without a name ({@code {__name__=~"..."}}). */
    record Selector(String metric, List<LabelMatcher> matchers) {
    }

    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2", "inf", "nan");
    private static final Pattern MATCHER = Pattern.compile(
            "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*')\\s*,?");
    private static final Pattern LEADING_GROUPING = Pattern.compile("(by|without)\\s*\\(");
    private static final Pattern LABEL_VALUES = Pattern.compile(
            "label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*})?\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");

    private PromQl() {
    }

    static List<Selector> selectors(String expression) {
        List<Selector> selectors = new ArrayList<>();
        int i = 0;
        int n = expression.length();
        while (i < n) {
            char c = expression.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(expression, i);
            } else if (c == '[') {
                i = expression.indexOf(']', i) + 1; // a range or subquery: durations, never names
                if (i == 0) {
                    throw new IllegalArgumentException("unclosed [ in " + expression);
                }
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(expression.charAt(i + 1)))) {
                while (i < n && (Character.isLetterOrDigit(expression.charAt(i)) || expression.charAt(i) == '.')) {
                    i++; // numbers and durations: 1e3, 0x1f, 5m, 1h30m
                }
            } else if (c == '{') {
                i = readMatchers(expression, i, null, selectors);
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(expression.charAt(i)) || expression.charAt(i) == '_'
                        || expression.charAt(i) == ':')) {
                    i++;
                }
                String identifier = expression.substring(start, i);
                int next = skipSpaces(expression, i);
                // A call, or an aggregation with its grouping first: sum by (label) (...)
                boolean call = next < n && (expression.charAt(next) == '(' || startsWithGrouping(expression, next));
                if (GROUPING.contains(identifier) && call) {
                    i = expression.indexOf(')', next) + 1; // a label list
                } else if (!call && !KEYWORDS.contains(identifier.toLowerCase(Locale.ROOT))) {
                    if (next < n && expression.charAt(next) == '{') {
                        i = readMatchers(expression, next, identifier, selectors);
                    } else {
                        selectors.add(new Selector(identifier, List.of()));
                    }
                }
            } else {
                i++;
            }
        }
        return selectors;
    }

    /** The selector in a Grafana {@code label_values(metric, label)} variable query, and the label it lists. */
    record LabelValuesQuery(Selector selector, String label) {
    }

    static LabelValuesQuery labelValues(String query) {
        Matcher matcher = LABEL_VALUES.matcher(query);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a label_values(metric, label) query: " + query);
        }
        List<Selector> selectors = new ArrayList<>();
        readMatchers(matcher.group(2) == null ? "{}" : matcher.group(2), 0, matcher.group(1), selectors);
        return new LabelValuesQuery(selectors.get(0), matcher.group(3));
    }

    private static int readMatchers(String expression, int open, String metric, List<Selector> selectors) {
        List<LabelMatcher> matchers = new ArrayList<>();
        int i = open + 1;
        Matcher matcher = MATCHER.matcher(expression);
        while (matcher.find(i) && matcher.start() == i) {
            String quoted = matcher.group(3);
            matchers.add(new LabelMatcher(matcher.group(1), matcher.group(2), quoted.substring(1, quoted.length() - 1)));
            i = matcher.end();
        }
        i = skipSpaces(expression, i);
        if (i >= expression.length() || expression.charAt(i) != '}') {
            throw new IllegalArgumentException("cannot read the label matchers at position " + open + " of " + expression);
        }
        selectors.add(new Selector(metric, matchers));
        return i + 1;
    }

    private static int skipString(String expression, int open) {
        char quote = expression.charAt(open);
        int i = open + 1;
        while (i < expression.length() && expression.charAt(i) != quote) {
            i += expression.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        return i + 1;
    }

    private static boolean startsWithGrouping(String expression, int i) {
        return LEADING_GROUPING.matcher(expression).region(i, expression.length()).lookingAt();
    }

    private static int skipSpaces(String expression, int i) {
        while (i < expression.length() && Character.isWhitespace(expression.charAt(i))) {
            i++;
        }
        return i;
    }
}
