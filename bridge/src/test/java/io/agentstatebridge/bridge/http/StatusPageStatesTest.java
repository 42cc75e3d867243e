package io.agentstatebridge.bridge.http;

import io.agentstatebridge.bridge.lifecycle.BridgeState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status page shows the state named in /api/status and colours it by name in its style sheet:
 * every name the page styles is a state the bridge reports, so renaming one cannot leave the page
 * behind. (StatusPageBrowserIT renders the page against a running bridge.)
 */
class StatusPageStatesTest {
    private static final Pattern STYLED_STATE = Pattern.compile("data-state=\"([^\"]*)\"");

    @Test
    void thePageStylesOnlyStatesTheBridgeReports() throws IOException {
        List<String> styled = new ArrayList<>();
        for (String file : List.of("status.css", "index.html", "status.js")) {
            Matcher matcher = STYLED_STATE.matcher(resource("/status-page/" + file));
            while (matcher.find()) {
                styled.add(matcher.group(1));
            }
        }
        styled.remove(""); // index.html's placeholder before the first poll
        assertThat(styled).as("states named in the status page").isNotEmpty()
                .allSatisfy(name -> assertThat(BridgeState.named(name)).as("a state named %s", name)
                        .hasValueSatisfying(state -> assertThat(state.isReported()).isTrue()));
        assertThat(styled).as("the states the page colours").contains(BridgeState.STREAMING.name(), BridgeState.FAILED.name());
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = StatusServer.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
