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
                             int maxBatchSize, Observability observability) {

    /** Settings for an embedded bridge: default thresholds, no HTTP server. */
    public BridgeSettings(DatabaseUrl source, DatabaseUrl target, String name, String slot, String publication, int maxBatchSize) {
        this(source, target, name, slot, publication, maxBatchSize, Observability.HTTP_OFF);
    }

    /**
     * Where status is served and when it turns to a warning.
     *
     * @param httpPort              0 disables the HTTP server (metrics, health, status page)
     * @param readyMaxLagSeconds    /health/ready fails while lag exceeds this
     * @param lagWarnSeconds        a warning is logged while lag exceeds this
     * @param retainedWalWarnBytes  a warning is logged while the slot retains more WAL than this
     */
    public record Observability(String httpBind, int httpPort, double readyMaxLagSeconds, double lagWarnSeconds,
                                long retainedWalWarnBytes) {
        public static final Observability HTTP_OFF = new Observability("127.0.0.1", 0, 10, 30, 1L << 30);

        public Observability {
            if (httpPort < 0 || httpPort > 65535) {
                throw new SettingsException("--http-port must be between 0 (off) and 65535, got " + httpPort);
            }
            if (readyMaxLagSeconds <= 0 || lagWarnSeconds <= 0 || retainedWalWarnBytes <= 0) {
                throw new SettingsException("lag and retained-WAL thresholds must be positive");
            }
        }

        public Observability withHttpPort(int port) {
            return new Observability(httpBind, port, readyMaxLagSeconds, lagWarnSeconds, retainedWalWarnBytes);
        }
    }
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public BridgeSettings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        requireIdentifier(name, "--name");
        requireIdentifier(slot, "--slot");
        requireIdentifier(publication, "--publication");
        Objects.requireNonNull(observability, "observability");
        if (maxBatchSize < 1 || maxBatchSize > 100_000) {
            throw new SettingsException("--max-batch-size must be between 1 and 100000, got " + maxBatchSize);
        }
    }

    /** Rejects anything but a plain lower-case identifier, which SQL can name unquoted. */
    public static void requireIdentifier(String value, String option) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new SettingsException(option + " must be a lower-case PostgreSQL identifier (letters, digits, _; "
                    + "at most 63 characters), got '" + value + "'");
        }
    }
}
