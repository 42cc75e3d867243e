package io.agentstatebridge.tools.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench labels the launcher's runs with the JVM options the launcher gives by default, whatever they become. */
class LauncherJvmOptionsTest {
    private static final Pattern DEFAULT_OPTIONS = Pattern.compile("\\$\\{AGENT_STATE_BRIDGE_JAVA_OPTIONS:-([^}]*)}");

    @Test
    void benchLabelsTheLaunchersRunsWithTheOptionsTheLauncherGives() throws IOException {
        String script = Files.readString(Path.of("..", BridgeJar.LAUNCHER_IN_REPOSITORY));
        Matcher defaults = DEFAULT_OPTIONS.matcher(script);
        assertThat(defaults.find()).as("%s gives default JVM options", BridgeJar.LAUNCHER_IN_REPOSITORY).isTrue();
        List<String> options = Arrays.asList(defaults.group(1).trim().split("\\s+"));

        assertThat(JvmOptions.LAUNCHER.options()).isEqualTo(options);
    }
}
