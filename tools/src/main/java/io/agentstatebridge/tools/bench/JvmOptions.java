package io.agentstatebridge.tools.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * The ways a user starts the bridge's jar, with the JVM options each adds. The figures of the
 * bridge's memory depend on them, so each is measured and labelled as what it is.
 */
public enum JvmOptions {
    /** The README's command line: {@code java -jar agent-state-bridge.jar run ...}, no JVM option at all. */
    README("java -jar (README)", List.of(), 25),
    /**
     * The options of the Dockerfile's ENTRYPOINT (a test keeps them equal). Outside a container the
     * percentage is of the machine's memory, inside it of the container's limit.
     */
    DOCKERFILE("Dockerfile JVM options", List.of("-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError"), 50);

    private final String label;
    private final List<String> options;
    /** MaxRAMPercentage in effect: the JVM's default (25) unless the options set it. */
    private final int heapPercentOfMemory;

    JvmOptions(String label, List<String> options, int heapPercentOfMemory) {
        this.label = label;
        this.options = options;
        this.heapPercentOfMemory = heapPercentOfMemory;
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
    public String defaultMaxHeap() {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return String.format(Locale.ROOT, "%d%% of %.1f GB = %.1f GB", heapPercentOfMemory, memory / 1073741824.0,
                memory * heapPercentOfMemory / 100.0 / 1073741824.0);
    }
}
