package io.agentstatebridge.tools.bench;

import java.util.Arrays;
import java.util.Locale;

/** The benchmark's measurements, in the order a run takes them; each can be chosen with --measure. */
public enum Measurement {
    CATCH_UP("catch-up"),
    /** The initial snapshot, then the readers' lookups on the loaded read side. */
    SNAPSHOT("snapshot"),
    LAG("steady-lag"),
    WRITERS("writer-cost");

    private final String option;

    Measurement(String option) {
        this.option = option;
    }

    public String option() {
        return option;
    }

    public static Measurement parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(m -> m.option.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown measurement '" + text + "': use catch-up, snapshot, "
                        + "steady-lag or writer-cost, comma-separated"));
    }
}
