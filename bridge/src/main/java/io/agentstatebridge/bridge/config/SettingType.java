package io.agentstatebridge.bridge.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a setting's value is and which values are valid: converts the text an operator typed and
 * says, in words fit for an error message, what was expected. Stateless; shared by every setting
 * of the type.
 *
 * @param expected what a valid value looks like, completing "must be ..." ("an integer from 1 to 100000")
 * @param convert  text and where it came from to value; throws {@link IllegalArgumentException} when the text is
 *                 no such value, or a {@link SettingsException} that says why, naming where it came from
 * @param problem  the reason a converted value is invalid, or null when it is valid
 * @param secret   whether the value is a credential: never echoed in messages
 */
public record SettingType<T>(String expected, BiFunction<String, String, T> convert, Function<T, String> problem, boolean secret) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** PostgreSQL truncates longer identifiers, which would name another role. */
    private static final int MAX_NAME_BYTES = 63;
    private static final List<String> LOG_LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    public static final SettingType<String> TEXT = new SettingType<>("a non-empty text", same(),
            text -> text.isBlank() ? "must not be blank" : null, false);

    public static final SettingType<String> IDENTIFIER_TYPE = new SettingType<>(
            "a lower-case PostgreSQL identifier (letters, digits, _; at most 63 characters)", same(),
            text -> IDENTIFIER.matcher(text).matches() ? null : "must be a lower-case PostgreSQL identifier (letters, digits, _; "
                    + "at most 63 characters)", false);

    /** Any name PostgreSQL accepts for a role: role names are always quoted, never spliced into SQL. */
    public static final SettingType<String> ROLE_NAME = new SettingType<>("a PostgreSQL role name (at most 63 bytes)",
            same(), text -> text.isEmpty() ? "must not be empty"
                    : text.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES ? "is longer than PostgreSQL's 63 bytes" : null,
            false);

    public static final SettingType<DatabaseUrl> DATABASE_URL = new SettingType<>(
            "a PostgreSQL JDBC URL such as jdbc:postgresql://db.example.com:5432/agents?user=agent_state_bridge",
            DatabaseUrl::parse, url -> null, false);

    /** A credential; where it comes from (a variable, a file) is the resolver's business. */
    public static final SettingType<Secret> SECRET = new SettingType<>("a password", (text, what) -> new Secret(text),
            secret -> secret.value().isEmpty() ? "is empty" : null, true);

    public static final SettingType<Boolean> FLAG = new SettingType<>("given or not", (text, what) -> Boolean.valueOf(text), value -> null, false);

    /** Logback's levels; logback itself would turn a misspelt one into DEBUG without a word. */
    public static final SettingType<String> LOG_LEVEL = new SettingType<>("one of " + String.join(", ", LOG_LEVELS),
            (text, what) -> text.toUpperCase(Locale.ROOT),
            level -> LOG_LEVELS.contains(level) ? null : "must be one of " + String.join(", ", LOG_LEVELS), false);

    /** An address to listen on: a host name or a literal address, without spaces. */
    public static final SettingType<String> HOST = new SettingType<>("a host name or IP address", same(),
            text -> text.isBlank() || text.chars().anyMatch(Character::isWhitespace) ? "must be a host name or IP address" : null,
            false);

    public static SettingType<Integer> integer(int min, int max) {
        return new SettingType<>("an integer from " + min + " to " + max, (text, what) -> Integer.valueOf(text),
                value -> value < min || value > max ? "must be between " + min + " and " + max : null, false);
    }

    public static SettingType<Long> longInteger(long min, long max) {
        return new SettingType<>("an integer from " + min + " to " + max, (text, what) -> Long.valueOf(text),
                value -> value < min || value > max ? "must be between " + min + " and " + max : null, false);
    }

    public static SettingType<Double> positiveNumber() {
        return new SettingType<>("a number above 0", (text, what) -> Double.valueOf(text),
                value -> value.isNaN() || value.isInfinite() || value <= 0 ? "must be a number above 0" : null, false);
    }

    /**
     * Converts and checks {@code text}; {@code what} names where it came from ("--max-batch-size",
     * "AGENT_STATE_BRIDGE_MAX_BATCH_SIZE") and starts the message of the exception.
     */
    public T parse(String text, String what) {
        T value;
        try {
            // A password is taken as written; anything else may carry the spaces of a hand-edited file.
            value = convert.apply(secret ? text : text.strip(), what);
        } catch (SettingsException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new SettingsException(what + " must be " + expected + ", got " + shown(text));
        }
        String reason = problem.apply(value);
        if (reason != null) {
            throw new SettingsException(what + " " + reason + (secret ? "" : ", got " + shown(text)));
        }
        return value;
    }

    /** Throws naming {@code what} unless {@code value} is valid. */
    public void require(T value, String what) {
        String reason = problem.apply(value);
        if (reason != null) {
            throw new SettingsException(what + " " + reason + (secret ? "" : ", got " + shown(String.valueOf(value))));
        }
    }

    private static BiFunction<String, String, String> same() {
        return (text, what) -> text;
    }

    private String shown(String text) {
        return secret ? "[hidden]" : "'" + text + "'";
    }
}
