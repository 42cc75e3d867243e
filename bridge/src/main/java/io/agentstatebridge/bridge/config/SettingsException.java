package io.agentstatebridge.bridge.config;

/** Settings the bridge cannot run with; the message says what to change. */
public class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}
