package io.agentstatebridge.bridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentstatebridge.bridge.config.BridgeSettings;
import io.agentstatebridge.bridge.engine.Bridge;
import io.agentstatebridge.bridge.lifecycle.BridgeState;
import io.agentstatebridge.bridge.status.BridgeStatus;
import io.agentstatebridge.bridge.testing.BridgeDatabases;
import io.agentstatebridge.loadgen.LoadGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.agentstatebridge.bridge.deploy.Deployment.ALERT_RULES;
import static io.agentstatebridge.bridge.deploy.Deployment.DASHBOARD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every series the Grafana dashboard and the Prometheus alert rules query is one a running bridge
 * really exports, with the labels and label values they match on. The truth is a scrape of /metrics
 * from a real bridge that has applied changes from an embedded PostgreSQL, not a list kept by hand.
 */
class DeployedQueriesTest {
    /** Series Prometheus adds to every scrape target itself. */
    private static final String UP = "up";
    /** Labels Prometheus attaches to every scraped series. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    private static Exposition exported;

    private final Deployment deployment = new Deployment();

    @BeforeAll
    static void scrapeARunningBridge() throws Exception {
        BridgeDatabases databases = new BridgeDatabases("deployed_queries");
        BridgeSettings plain = databases.settings(256);
        int port = freePort();
        BridgeSettings settings = new BridgeSettings(plain.source(), plain.target(), plain.name(), plain.slot(),
                plain.publication(), plain.maxBatchSize(), plain.observability().withHttpPort(port));
        try (Bridge bridge = new Bridge(settings)) {
            bridge.start();
            try (LoadGenerator load = new LoadGenerator(databases.source().jdbcUrl(),
                    new LoadGenerator.LoadSettings(5, 100, Duration.ofSeconds(2), 1, 11))) {
                load.run();
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                BridgeStatus status = bridge.status().current();
                return status.state() == BridgeState.STREAMING && status.batchesAppliedTotal() > 0
                        && status.slot().retainedWalBytes() != null;
            });
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).as("GET /metrics").isEqualTo(200);
            exported = new Exposition(metrics.body());
        }
    }

    @Test
    void dashboardQueriesOnlySeriesTheBridgeExports() {
        JsonNode dashboard = deployment.files.json(DASHBOARD);
        List<String> problems = new ArrayList<>();
        int selectors = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String where = "panel '" + panel.path("title").asText() + "' " + target.path("refId").asText();
                for (PromQl.Selector selector : PromQl.selectors(target.path("expr").asText())) {
                    problems.addAll(problems(where, selector));
                    selectors++;
                }
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String query = variable.path("query").isObject() ? variable.path("query").path("query").asText() : variable.path("query").asText();
            if (query.startsWith("label_values(")) {
                PromQl.LabelValuesQuery labelValues = PromQl.labelValues(query);
                String where = "variable $" + variable.path("name").asText();
                problems.addAll(problems(where, labelValues.selector()));
                if (!exported.labels(labelValues.selector().metric()).containsKey(labelValues.label())) {
                    problems.add(where + " lists label '" + labelValues.label() + "', which "
                            + labelValues.selector().metric() + " does not carry");
                }
                selectors++;
            }
        }
        assertThat(selectors).as("series selectors found in %s", DASHBOARD).isPositive();
        assertThat(problems).as("%s against a scrape of a running bridge", DASHBOARD).isEmpty();
    }

    @Test
    void alertRulesQueryOnlySeriesTheBridgeExports() {
        List<String> problems = new ArrayList<>();
        int selectors = 0;
        for (JsonNode group : deployment.files.yaml(ALERT_RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String where = "rule " + rule.path("alert").asText(rule.path("record").asText());
                for (PromQl.Selector selector : PromQl.selectors(rule.path("expr").asText())) {
                    problems.addAll(problems(where, selector));
                    selectors++;
                }
            }
        }
        assertThat(selectors).as("series selectors found in %s", ALERT_RULES).isPositive();
        assertThat(problems).as("%s against a scrape of a running bridge", ALERT_RULES).isEmpty();
    }

    /** What is wrong with one selector: an unknown series, a label it lacks, a value the label never takes. */
    private List<String> problems(String where, PromQl.Selector selector) {
        String metric = selector.metric();
        if (metric == null) {
            return List.of(where + " selects series by label alone; name the metric");
        }
        boolean up = metric.equals(UP);
        if (!up && !exported.has(metric)) {
            return List.of(where + " queries " + metric + ", which the bridge does not export; it exports "
                    + exported.names().stream().filter(n -> n.startsWith("agent_state_bridge")).toList());
        }
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> labels = exported.labels(metric);
        for (PromQl.LabelMatcher matcher : selector.matchers()) {
            String label = matcher.label();
            if (label.equals("job")) {
                if (matcher.isEquality() && !deployment.scrapeJobs().contains(matcher.value())) {
                    problems.add(where + " selects job=\"" + matcher.value() + "\"; Prometheus scrapes the bridge as "
                            + deployment.scrapeJobs());
                }
            } else if (TARGET_LABELS.contains(label)) {
                continue;
            } else if (up || !labels.containsKey(label)) {
                problems.add(where + " matches label '" + label + "' on " + metric + ", which carries only "
                        + (up ? TARGET_LABELS : labels.keySet()));
            } else if (matcher.isEquality() && !labels.get(label).contains(matcher.value())) {
                problems.add(where + " matches " + label + "=\"" + matcher.value() + "\" on " + metric
                        + ", but the label only takes " + labels.get(label));
            }
        }
        return problems;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
