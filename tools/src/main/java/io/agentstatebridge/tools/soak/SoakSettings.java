package io.agentstatebridge.tools.soak;

import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.config.SettingsException;

import java.time.Duration;

/**
 * How a soak runs.
 *
 * @param eventsPerSecond sustained write rate of the simulated fleet
 * @param duration        how long the fleet writes
 * @param sampleInterval  how often a line of figures is printed (figures are taken every second)
 * @param source          a given write-side database, or null for an embedded PostgreSQL
 * @param target          a given read-side database, or null for an embedded PostgreSQL
 * @param httpPort        status page while the soak runs; 0 for none
 */
public record SoakSettings(double eventsPerSecond, Duration duration, Duration sampleInterval, int agents, int workers,
                           DatabaseUrl source, DatabaseUrl target, int httpPort) {
    public SoakSettings {
        if (eventsPerSecond <= 0) {
            throw new SettingsException("--rate must be positive, got " + eventsPerSecond);
        }
        if (duration.compareTo(Duration.ofSeconds(4)) < 0) {
            throw new SettingsException("--duration must be at least 4 s (halves and quarters of it are compared), got "
                    + duration.toSeconds() + " s");
        }
        if (sampleInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new SettingsException("--sample-interval must be at least 1 s, got " + sampleInterval.toMillis() + " ms");
        }
        if ((source == null) != (target == null)) {
            throw new SettingsException("give both --source-url and --target-url, or neither for an embedded PostgreSQL");
        }
        if (source != null && source.describe().equals(target.describe())) {
            throw new SettingsException("--source-url and --target-url must be different databases: both hold agent_events "
                    + "(write side and replica)");
        }
    }

    public boolean embedded() {
        return source == null;
    }
}
