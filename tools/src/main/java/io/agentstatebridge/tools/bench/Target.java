package io.agentstatebridge.tools.bench;

import java.util.Locale;

/**
 * A figure's target from the throughput issue, and whether a value meets it.
 *
 * @param text      how the table shows it ("≥ 35,000", "≤ 200", "bounded")
 * @param atLeast   true when values at or above the threshold meet it, false for at or below
 * @param threshold the limit
 */
public record Target(String text, boolean atLeast, double threshold) {
    // The targets, for this machine class with everything on one box.
    static final Target CATCH_UP_100_EVENT_TX = atLeast(35_000);
    static final Target CATCH_UP_1_EVENT_TX = atLeast(20_000);
    static final Target SNAPSHOT = atLeast(50_000);
    static final Target LAG_P99_AT_1000 = atMost(200);
    static final Target LAG_P99_AT_5000 = atMost(500);
    /** At 10,000 and 20,000 events/s: no growth over the window (1 = bounded). */
    static final Target BOUNDED = new Target("bounded", true, 1);
    static final Target WRITERS_SHARE = atLeast(75);
    static final Target BRIDGE_RSS_MB = atMost(384);

    static Target atLeast(double threshold) {
        return new Target("≥ " + format(threshold), true, threshold);
    }

    static Target atMost(double threshold) {
        return new Target("≤ " + format(threshold), false, threshold);
    }

    /** met, missed, or n/a for a value that could not be measured. */
    String verdict(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return (atLeast ? value >= threshold : value <= threshold) ? "met" : "missed";
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}
