package io.agentstatebridge.tools.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident set size, which the soak and the benchmark both report. */
public final class ResidentSetSize {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentSetSize() {
    }

    /** This process's resident set size (Linux VmRSS, from /proc/self/status), or -1 where the system does not tell. */
    public static long bytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: RSS is reported as unavailable.
        }
        return -1;
    }
}
