package io.agentstatebridge.bridge.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One setting, declared once: the option that gives it on the command line, the environment
 * variable that gives it otherwise, its type and validation, its default and what it does. The
 * CLI's options and --help, the check of environment variables and the README's table are made
 * from these declarations (see {@link Settings}). Immutable.
 *
 * <p>A password ({@link #password}) is given as a value only in its variable, or as a file whose
 * first line is the value: by its option, which names the file, or by its variable with
 * {@code _FILE} appended. Never as a command-line value, which every local user sees in {@code ps}.
 *
 * @param option       the command-line option ("--max-batch-size"), or null for a setting only the
 *                     environment gives
 * @param variable     the environment variable, or null for a setting only the command line gives
 * @param type         what the value is and which values are valid
 * @param defaultValue the value when neither gives one, as text; null for none
 * @param paramLabel   the placeholder --help shows after the option ("SIZE")
 * @param description  what it does, one or two sentences ending in a full stop
 * @param required     whether a command taking the setting refuses to run without it
 */
public record Setting<T>(String option, String variable, SettingType<T> type, String defaultValue, String paramLabel,
                         String description, boolean required) {

    public Setting {
        if (option == null && variable == null) {
            throw new IllegalArgumentException("a setting needs an option, a variable or both");
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        if (defaultValue != null) {
            type.parse(defaultValue, "the default of " + (option != null ? option : variable));
        }
    }

    /** A setting the command line gives by {@code option} and the environment by the prefixed {@code variable}. */
    static <T> Setting<T> of(String option, String variable, SettingType<T> type, String defaultValue, String paramLabel,
                             String description) {
        return new Setting<>(option, variable == null ? null : Settings.ENV_PREFIX + variable, type, defaultValue, paramLabel,
                description, false);
    }

    /** A password: the value in the prefixed {@code variable}, or a file named by {@code fileOption} or {@code variable_FILE}. */
    static Setting<Secret> password(String fileOption, String variable, String description) {
        return of(fileOption, variable, SettingType.SECRET, null, "FILE", description);
    }

    /** A switch on the command line, off unless given. */
    static Setting<Boolean> flag(String option, String description) {
        return new Setting<>(option, null, SettingType.FLAG, "false", null, description, false);
    }

    /** This setting, required wherever a command takes it. */
    Setting<T> asRequired() {
        return new Setting<>(option, variable, type, defaultValue, paramLabel, description, true);
    }

    public boolean isPassword() {
        return type.secret();
    }

    public boolean isFlag() {
        return type == SettingType.FLAG;
    }

    /** For a password, the variable naming a file that holds it; null otherwise. */
    public String fileVariable() {
        return isPassword() && variable != null ? variable + "_FILE" : null;
    }

    /** Every environment variable that gives this setting. */
    public List<String> variables() {
        List<String> variables = new ArrayList<>();
        if (variable != null) {
            variables.add(variable);
        }
        if (fileVariable() != null) {
            variables.add(fileVariable());
        }
        return variables;
    }

    /** How messages name it when it was not given: "--max-batch-size (or AGENT_STATE_BRIDGE_MAX_BATCH_SIZE)". */
    public String name() {
        if (option == null) {
            return variable;
        }
        return variable == null ? option : option + " (or " + String.join(", ", variables()) + ")";
    }

    /** The default, converted; null when there is none. */
    public T defaultTyped() {
        return defaultValue == null ? null : type.parse(defaultValue, "the default of " + name());
    }

    /** Throws a {@link SettingsException} naming this setting unless {@code value} is valid. */
    public T require(T value) {
        if (value == null) {
            throw new SettingsException(name() + " is required: " + type.expected());
        }
        type.require(value, option != null ? option : variable);
        return value;
    }

    @Override
    public String toString() {
        return name();
    }
}
