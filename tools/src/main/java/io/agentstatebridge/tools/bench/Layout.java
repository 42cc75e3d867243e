package io.agentstatebridge.tools.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where the write side and the read side live during a measurement. The two differ in more than
 * the network path: on one server the read side's own WAL (the bridge's inserts and upserts) passes
 * through the source's logical decoder, which must read and skip it.
 */
public enum Layout {
    /** Source and target databases on two PostgreSQL servers: the production layout. */
    TWO_SERVERS("two-servers", "two servers"),
    /** Source and target databases on one server, as the demo runs them. */
    ONE_SERVER("one-server", "one server"),
    /** The databases given with --source-url and --target-url, wherever they are. */
    GIVEN("given", "given databases");

    private final String option;
    private final String label;

    Layout(String option, String label) {
        this.option = option;
        this.label = label;
    }

    /** How the option names it: two-servers, one-server. */
    public String option() {
        return option;
    }

    /** How the table, the CSV and the chart name it. */
    public String label() {
        return label;
    }

    /** The layout a --layout value names; GIVEN is not chosen by name but by giving URLs. */
    public static Layout parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(l -> l != GIVEN && l.option.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown layout '" + text + "': use two-servers, one-server "
                        + "or both, comma-separated"));
    }
}
