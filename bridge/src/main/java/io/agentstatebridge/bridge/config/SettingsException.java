package io.agentstatebridge.bridge.config;

import java.util.List;

/** Settings the bridge cannot run with; the message says what to change, every problem at once. */
public class SettingsException extends RuntimeException {
    private final List<String> problems;

    public SettingsException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    /** All problems found, one line each. */
    public SettingsException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " problems with the settings:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
