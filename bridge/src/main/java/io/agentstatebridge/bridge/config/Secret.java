package io.agentstatebridge.bridge.config;

/** A credential. Printing it, by accident or in a log line, shows [hidden]. */
public record Secret(String value) {
    @Override
    public String toString() {
        return "[hidden]";
    }
}
