package io.agentstatebridge.bridge.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry itself: each setting declared once, completely, and the places that repeat a default agree with it. */
class SettingsTest {
    @Test
    void everyOptionAndVariableBelongsToOneSettingAndVariablesCarryTheProjectsPrefix() {
        Set<String> options = new HashSet<>();
        Set<String> variables = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (Setting<?> setting : Settings.ALL) {
            if (setting.option() != null && !options.add(setting.option())) {
                problems.add(setting.option() + " is declared twice");
            }
            for (String variable : setting.variables()) {
                if (!variables.add(variable)) {
                    problems.add(variable + " is declared twice");
                }
                if (!variable.matches(Settings.ENV_PREFIX + "[A-Z0-9_]+")) {
                    problems.add(variable + " is not under " + Settings.ENV_PREFIX);
                }
            }
            if (!setting.description().endsWith(".") || setting.description().contains("%")) {
                problems.add(setting + ": its description must be sentences (ending in a full stop, no %)");
            }
            if (setting.isPassword() && setting.defaultValue() != null) {
                problems.add(setting + ": a password has no default");
            }
        }
        assertThat(problems).isEmpty();
        // The launcher's own variables are known too, though no setting declares them.
        assertThat(Settings.LAUNCHER_VARIABLES).allSatisfy(variable -> assertThat(variables).doesNotContain(variable));
        variables.addAll(Settings.LAUNCHER_VARIABLES);
        assertThat(variables).isEqualTo(EnvironmentVariables.KNOWN);
    }

    @Test
    void everyFormerVariableNamesTheVariableThatReplacedIt() {
        assertThat(EnvironmentVariables.FORMER).hasSize(18);
        assertThat(EnvironmentVariables.KNOWN).containsAll(EnvironmentVariables.FORMER.values());
    }

    @Test
    void passwordsAreGivenByFileOnTheCommandLineNeverAsAValue() {
        for (Setting<?> setting : Settings.ALL) {
            if (setting.isPassword()) {
                assertThat(setting.option()).as("the option of %s names a file", setting.variable()).endsWith("-file");
                assertThat(setting.fileVariable()).isEqualTo(setting.variable() + "_FILE");
            }
        }
    }

    @Test
    void loggingConfigurationReadsTheLogLevelWithItsDeclaredDefault() throws IOException {
        String logback;
        try (InputStream in = Settings.class.getResourceAsStream("/logback.xml")) {
            logback = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher variable = Pattern.compile("\\$\\{([A-Z0-9_]+):-([^}]*)}").matcher(logback);
        List<String> read = new ArrayList<>();
        while (variable.find()) {
            read.add(variable.group(1));
            assertThat(variable.group(1)).as("logback.xml reads a variable; declare it in Settings.EVERY_COMMAND")
                    .isEqualTo(Settings.LOG_LEVEL.variable());
            assertThat(variable.group(2)).as("logback.xml's fallback for %s", variable.group(1)).isEqualTo(Settings.LOG_LEVEL.defaultValue());
        }
        assertThat(read).containsExactly(Settings.LOG_LEVEL.variable());
    }

    @Test
    void recordsBuiltInCodeAreHeldToTheSettingsRules() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db.example.com/agents?user=bridge", "url");
        BridgeSettings defaults = BridgeSettings.withDefaults(url, url, BridgeSettings.Observability.HTTP_OFF);
        assertThat(defaults.name()).isEqualTo(Settings.NAME.defaultValue());
        assertThat(defaults.maxBatchSize()).isEqualTo(Settings.MAX_BATCH_SIZE.defaultTyped());
        assertThat(BridgeSettings.Observability.HTTP_OFF.retainedWalWarnBytes()).isEqualTo(Settings.RETAINED_WAL_WARN_MB.defaultTyped() << 20);
        assertThatThrownBy(() -> new BridgeSettings(url, url, "b", "b", "b", 0))
                .isInstanceOf(SettingsException.class).hasMessage("--max-batch-size must be between 1 and 100000, got '0'");
        assertThatThrownBy(() -> new Role("", null))
                .isInstanceOf(SettingsException.class).hasMessageContaining("role name must not be empty");
    }
}
