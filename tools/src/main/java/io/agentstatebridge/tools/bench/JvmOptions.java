package io.agentstatebridge.tools.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * The ways a user starts the bridge, with the JVM options each gives it. The figures of the
 * bridge's memory depend on them, so each is measured and labelled as what it is.
 */
public enum JvmOptions {
    /**
     * The launcher the README and the Dockerfile's ENTRYPOINT both run, {@code bin/agent-state-bridge run ...},
     * with the JVM options it gives by default (a test keeps them equal to the script's).
     */
    LAUNCHER("bin/agent-state-bridge (README and Dockerfile)", List.of("-Xmx192m", "-XX:+ExitOnOutOfMemoryError")) {
        @Override
        public String defaultMaxHeap() {
            return "192 MB (-Xmx192m)";
        }
    },
    /** {@code java -jar agent-state-bridge.jar run ...} with no JVM option: what the launcher's heap setting saves. */
    PLAIN_JAVA("plain java -jar", List.of()) {
        @Override
        public String defaultMaxHeap() {
            long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
            return String.format(Locale.ROOT, "the JVM's default, 25%% of %.1f GB = %.1f GB", memory / 1073741824.0,
                    memory * 0.25 / 1073741824.0);
        }
    };

    private final String label;
    private final List<String> options;

    JvmOptions(String label, List<String> options) {
        this.label = label;
        this.options = options;
    }

    public String label() {
        return label;
    }

    public List<String> options() {
        return options;
    }

    /** The label with the options spelled out, for the output. */
    public String describe() {
        return options.isEmpty() ? label : label + " " + String.join(" ", options);
    }

    /** The heap limit these options give on this machine (outside a container), for the memory figures' notes. */
    public abstract String defaultMaxHeap();
}
