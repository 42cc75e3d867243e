package io.agentstatebridge.bridge.source;

/**
 * The replication slot can no longer deliver the changes after the read side's position: they
 * are gone from the source, and streaming on would silently skip them. The message names the
 * cause and the recovery; `run` exits with its own status for it.
 */
public final class SlotLostException extends RuntimeException {
    /** What an operator runs to recover; every message ends with it. */
    private static final String RECOVERY = "Recover with `java -jar agent-state-bridge.jar resnapshot` and the same options "
            + "as `run`: it rebuilds the read side from a fresh snapshot while readers keep the current tables.";

    private final String whatHappened;

    SlotLostException(String whatHappened) {
        super(whatHappened + " " + RECOVERY);
        this.whatHappened = whatHappened;
    }

    /** The message without the recovery step. */
    public String whatHappened() {
        return whatHappened;
    }

    /** The lost slot anywhere in {@code error}'s causes, or null. */
    public static SlotLostException in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SlotLostException lost) {
                return lost;
            }
        }
        return null;
    }
}
