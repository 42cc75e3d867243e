package io.agentstatebridge.bridge.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything `run` needs, validated once at start-up.
 *
 * @param name         identifies this bridge's position on the read side; instances that take over
 *                     from one another share it
 * @param slot         the replication slot on the source
 * @param publication  the publication on the source
 * @param maxBatchSize most changes applied in one read-side transaction
 */
public record BridgeSettings(DatabaseUrl source, DatabaseUrl target, String name, String slot, String publication,
                             int maxBatchSize) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public BridgeSettings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        requireIdentifier(name, "--name");
        requireIdentifier(slot, "--slot");
        requireIdentifier(publication, "--publication");
        if (maxBatchSize < 1 || maxBatchSize > 100_000) {
            throw new SettingsException("--max-batch-size must be between 1 and 100000, got " + maxBatchSize);
        }
    }

    private static void requireIdentifier(String value, String option) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new SettingsException(option + " must be a lower-case PostgreSQL identifier (letters, digits, _; "
                    + "at most 63 characters), got '" + value + "'");
        }
    }
}
