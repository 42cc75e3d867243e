package io.agentstatebridge.bridge.config;

import java.util.Objects;

/**
 * Everything `run` needs, validated once at start-up. Defaults and validation are those of the
 * settings in {@link Settings}, so a bridge built in code (the demo, the tests) is held to the same
 * rules as one started from the command line.
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

    /** The settings `run` takes, from what the operator gave. */
    public static BridgeSettings of(SettingValues values) {
        return new BridgeSettings(values.get(Settings.SOURCE_URL), values.get(Settings.TARGET_URL), values.get(Settings.NAME),
                values.get(Settings.SLOT), values.get(Settings.PUBLICATION), values.get(Settings.MAX_BATCH_SIZE),
                Observability.of(values));
    }

    /** A bridge between {@code source} and {@code target} with the default name, slot, publication and batch size. */
    public static BridgeSettings withDefaults(DatabaseUrl source, DatabaseUrl target, Observability observability) {
        return new BridgeSettings(source, target, Settings.NAME.defaultTyped(), Settings.SLOT.defaultTyped(),
                Settings.PUBLICATION.defaultTyped(), Settings.MAX_BATCH_SIZE.defaultTyped(), observability);
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
        /** The default thresholds, without an HTTP server. */
        public static final Observability HTTP_OFF = new Observability(Settings.HTTP_BIND.defaultTyped(), 0,
                Settings.READY_MAX_LAG_SECONDS.defaultTyped(), Settings.LAG_WARN_SECONDS.defaultTyped(),
                Settings.RETAINED_WAL_WARN_MB.defaultTyped() << 20);

        public Observability {
            Settings.HTTP_BIND.require(httpBind);
            Settings.HTTP_PORT.require(httpPort);
            Settings.READY_MAX_LAG_SECONDS.require(readyMaxLagSeconds);
            Settings.LAG_WARN_SECONDS.require(lagWarnSeconds);
            if (retainedWalWarnBytes <= 0) {
                throw new SettingsException("the retained-WAL warning threshold must be above 0 bytes, got " + retainedWalWarnBytes);
            }
        }

        public static Observability of(SettingValues values) {
            return new Observability(values.get(Settings.HTTP_BIND), values.get(Settings.HTTP_PORT),
                    values.get(Settings.READY_MAX_LAG_SECONDS), values.get(Settings.LAG_WARN_SECONDS),
                    values.get(Settings.RETAINED_WAL_WARN_MB) << 20);
        }

        public Observability withHttpPort(int port) {
            return new Observability(httpBind, port, readyMaxLagSeconds, lagWarnSeconds, retainedWalWarnBytes);
        }
    }

    public BridgeSettings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Settings.NAME.require(name);
        Settings.SLOT.require(slot);
        Settings.PUBLICATION.require(publication);
        Objects.requireNonNull(observability, "observability");
        Settings.MAX_BATCH_SIZE.require(maxBatchSize);
    }

    /** Rejects anything but a plain lower-case identifier, which SQL can name unquoted. */
    public static void requireIdentifier(String value, String option) {
        if (value == null) {
            throw new SettingsException(option + " is required: " + SettingType.IDENTIFIER_TYPE.expected());
        }
        SettingType.IDENTIFIER_TYPE.require(value, option);
    }
}
