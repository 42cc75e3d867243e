package io.agentstatebridge.bridge.source;

/** The bridge cannot start against these databases; the message says why and what to do. */
public class SetupException extends RuntimeException {
    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
