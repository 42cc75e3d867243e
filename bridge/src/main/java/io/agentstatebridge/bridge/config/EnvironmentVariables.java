package io.agentstatebridge.bridge.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The environment variables the bridge reads, as {@link Settings} declares them, and the check of
 * the environment at start-up. A variable under the bridge's prefix that no setting declares is a
 * typo that would otherwise go unnoticed (the setting silently keeping its default), so it stops the
 * bridge. Variables the bridge read under its former prefix, BRIDGE_, stop it too, naming the new
 * variable: ignoring them would as silently change what an upgraded deployment does. Any other
 * BRIDGE_* variable belongs to someone else (Kubernetes sets BRIDGE_SERVICE_HOST, BRIDGE_PORT, ... in
 * every pod of a namespace with a Service named bridge) and is none of the bridge's business.
 */
public final class EnvironmentVariables {
    public static final Set<String> KNOWN = Collections.unmodifiableSet(new TreeSet<>(Stream.concat(Settings.ALL.stream()
            .flatMap(setting -> setting.variables().stream()), Settings.LAUNCHER_VARIABLES.stream()).toList()));

    /** The variables the bridge read before they took the prefix {@value Settings#ENV_PREFIX}: former name to new name. */
    public static final Map<String, String> FORMER = Collections.unmodifiableMap(Stream.of("SOURCE_URL", "TARGET_URL", "NAME",
                    "SLOT", "PUBLICATION", "MAX_BATCH_SIZE", "HTTP_PORT", "HTTP_BIND", "READY_MAX_LAG_SECONDS", "LAG_WARN_SECONDS",
                    "RETAINED_WAL_WARN_MB", "LOG_LEVEL", "WRITER_ROLE", "BRIDGE_ROLE", "READER_ROLE", "WRITER_ROLE_PASSWORD",
                    "BRIDGE_ROLE_PASSWORD", "READER_ROLE_PASSWORD")
            .collect(Collectors.toMap(suffix -> "BRIDGE_" + suffix, suffix -> Settings.ENV_PREFIX + suffix, (a, b) -> a,
                    TreeMap::new)));

    private EnvironmentVariables() {
    }

    /** One line per variable the bridge refuses to start with; empty when the environment is fine. */
    public static List<String> problems(Map<String, String> environment) {
        List<String> problems = new ArrayList<>();
        for (String name : new TreeSet<>(environment.keySet())) {
            if (name.startsWith(Settings.ENV_PREFIX) && !KNOWN.contains(name)) {
                String nearest = nearest(name);
                problems.add("unknown environment variable " + name + (nearest != null ? " (did you mean " + nearest + "?)"
                        : "; the bridge reads only the variables its commands' --help and README.md list"));
            } else if (FORMER.containsKey(name)) {
                problems.add(name + " is set, but the bridge's variables now start with " + Settings.ENV_PREFIX + ": rename it "
                        + FORMER.get(name) + " (or unset it, if it is not meant for the bridge)");
            }
        }
        return problems;
    }

    /** Throws a {@link SettingsException} listing every variable {@link #problems} finds. */
    public static void rejectUnknown(Map<String, String> environment) {
        List<String> problems = problems(environment);
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
    }

    /** Whether the bridge reads {@code name} or refuses to start with it: what a test strips from a child's environment. */
    public static boolean concernsTheBridge(String name) {
        return name.startsWith(Settings.ENV_PREFIX) || FORMER.containsKey(name);
    }

    /** The known variable nearest a misspelt one, or null when none is near. */
    private static String nearest(String name) {
        String nearest = null;
        int best = 4;
        for (String known : KNOWN) {
            int distance = distance(name, known);
            if (distance < best) {
                best = distance;
                nearest = known;
            }
        }
        return nearest;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
