package io.agentstatebridge.bridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.agentstatebridge.bridge.deploy.Deployment.ALERT_RULES;
import static io.agentstatebridge.bridge.deploy.Deployment.DASHBOARD;
import static io.agentstatebridge.bridge.deploy.Deployment.GRAFANA_PROVISIONING;
import static io.agentstatebridge.bridge.deploy.Deployment.PROMETHEUS_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prometheus scrapes the bridge service and loads the repository's alert rules; Grafana queries that
 * Prometheus and loads the repository's dashboard, which has the shape Grafana expects. Which metrics
 * the queries name is {@link DeployedQueriesTest}'s business.
 */
class MonitoringFilesTest {
    /** Where Grafana's image reads provisioning files unless GF_PATHS_PROVISIONING says otherwise. */
    private static final String GRAFANA_DEFAULT_PROVISIONING = "/etc/grafana/provisioning";
    /**
     * The provisioning folders Grafana 12 reads at start-up, logging an error for each one missing. Its image
     * ships them empty; a mount over the whole provisioning directory hides them.
     */
    private static final List<String> GRAFANA_PROVISIONING_FOLDERS = List.of("datasources", "dashboards", "plugins", "alerting");
    /** Prometheus listens here unless --web.listen-address says otherwise. */
    private static final int PROMETHEUS_DEFAULT_PORT = 9090;
    private static final int GRAFANA_COLUMNS = 24;

    private final Deployment deployment = new Deployment();
    private final ComposeFile compose = deployment.compose;

    @Test
    void prometheusScrapesTheBridgeServiceOnItsHttpPort() {
        List<String> targets = new ArrayList<>();
        for (JsonNode job : deployment.files.yaml(PROMETHEUS_CONFIG).path("scrape_configs")) {
            assertThat(job.path("metrics_path").asText("/metrics")).as("metrics_path of job %s", job.path("job_name"))
                    .isEqualTo("/metrics");
            job.path("static_configs").forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText())));
        }
        assertThat(targets).as("%s must scrape the service running the bridge on its HTTP port", PROMETHEUS_CONFIG)
                .containsExactly(deployment.bridgeService() + ":" + deployment.bridgeHttpPort());
    }

    @Test
    void prometheusLoadsTheAlertRulesThisRepositoryShips() {
        String prometheus = deployment.serviceMounting(PROMETHEUS_CONFIG);
        String configPath = compose.command(prometheus).stream().filter(a -> a.startsWith("--config.file="))
                .map(a -> a.substring("--config.file=".length())).findFirst()
                .orElseThrow(() -> new AssertionError("service '" + prometheus + "' must pass --config.file explicitly"));
        assertThat(deployment.hostFile(prometheus, configPath)).as("the file Prometheus reads as --config.file=%s", configPath)
                .isEqualTo(deployment.files.path(PROMETHEUS_CONFIG));
        List<Path> ruleFiles = new ArrayList<>();
        for (JsonNode ruleFile : deployment.files.yaml(PROMETHEUS_CONFIG).path("rule_files")) {
            String path = ruleFile.asText();
            // Prometheus resolves relative rule files against the configuration file's directory.
            String containerPath = path.startsWith("/") ? path : configPath.substring(0, configPath.lastIndexOf('/') + 1) + path;
            ruleFiles.add(deployment.hostFile(prometheus, containerPath));
        }
        assertThat(ruleFiles).as("rule_files of %s, as mounted into '%s'", PROMETHEUS_CONFIG, prometheus)
                .containsExactly(deployment.files.path(ALERT_RULES));
        assertThat(deployment.files.yaml(ALERT_RULES).path("groups").findValues("alert")).as("alert rules in %s", ALERT_RULES)
                .isNotEmpty();
    }

    @Test
    void grafanaReadsTheRepositorysProvisioningAndFindsEveryFolder() throws IOException {
        String grafana = grafanaService();
        String provisioning = compose.environment(grafana).getOrDefault("GF_PATHS_PROVISIONING", GRAFANA_DEFAULT_PROVISIONING);
        List<String> problems = new ArrayList<>();
        try (var kinds = Files.list(deployment.files.root().resolve(GRAFANA_PROVISIONING))) {
            for (Path kind : kinds.filter(Files::isDirectory).toList()) {
                String containerPath = provisioning + "/" + kind.getFileName();
                if (!kind.equals(deployment.hostDirectory(grafana, containerPath))) {
                    problems.add("'" + grafana + "' must mount " + GRAFANA_PROVISIONING + "/" + kind.getFileName() + " at " + containerPath);
                }
            }
        }
        boolean rootMounted = compose.mounts(grafana).stream()
                .anyMatch(m -> provisioning.equals(m.target()) || provisioning.startsWith(m.target() + "/"));
        if (rootMounted) {
            for (String folder : GRAFANA_PROVISIONING_FOLDERS) {
                if (!Files.isDirectory(deployment.hostDirectory(grafana, provisioning + "/" + folder))) {
                    problems.add("'" + grafana + "' mounts a directory over " + provisioning + " that has no " + folder
                            + " folder: Grafana logs an error for it; mount only the folders you provision");
                }
            }
        }
        assertThat(problems).as("Grafana's provisioning in %s", ComposeFile.PATH).isEmpty();
    }

    @Test
    void grafanaQueriesThePrometheusService() {
        String prometheus = deployment.serviceMounting(PROMETHEUS_CONFIG);
        int port = compose.command(prometheus).stream().filter(a -> a.startsWith("--web.listen-address="))
                .map(a -> Integer.parseInt(a.substring(a.lastIndexOf(':') + 1))).findFirst().orElse(PROMETHEUS_DEFAULT_PORT);
        String uid = deployment.datasourceUid();
        JsonNode datasource = deployment.provisioned("datasources", "datasources").get(0);
        assertThat(datasource.path("type").asText()).as("datasource type").isEqualTo("prometheus");
        assertThat(datasource.path("url").asText()).as("datasource url: service '%s' on the port it listens on", prometheus)
                .isEqualTo("http://" + prometheus + ":" + port);
        assertThat(uid).as("the datasource needs a fixed uid for the dashboard to refer to").isNotBlank();
    }

    @Test
    void grafanaProvisionsTheDashboardFile() {
        String grafana = grafanaService();
        List<JsonNode> providers = deployment.provisioned("dashboards", "providers");
        assertThat(providers).as("dashboard providers in %s/dashboards", GRAFANA_PROVISIONING).isNotEmpty();
        Path dashboard = deployment.files.path(DASHBOARD);
        assertThat(providers).as("a provider's options.path must be where '%s' mounts the directory of %s", grafana, DASHBOARD)
                .anyMatch(provider -> dashboard.equals(deployment.hostDirectory(grafana, provider.path("options").path("path").asText())
                        .resolve(dashboard.getFileName())));
        String home = compose.environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        if (home != null) {
            assertThat(deployment.hostFile(grafana, home)).as("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH").isEqualTo(dashboard);
        }
    }

    @Test
    void dashboardHasTheShapeGrafanaLoads() {
        JsonNode dashboard = deployment.files.json(DASHBOARD);
        String uid = deployment.datasourceUid();
        assertThat(dashboard.path("title").asText()).as("dashboard title").isNotBlank();
        assertThat(dashboard.path("uid").asText()).as("dashboard uid (fixed, so that links survive re-provisioning)").isNotBlank();
        assertThat(dashboard.path("schemaVersion").isInt()).as("dashboard schemaVersion is a number").isTrue();
        assertThat(dashboard.path("panels").isArray() && !dashboard.path("panels").isEmpty()).as("dashboard panels").isTrue();
        List<String> problems = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        Map<Long, String> cells = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            String name = "panel '" + panel.path("title").asText() + "'";
            if (!panel.path("id").isInt() || !ids.add(panel.path("id").asInt())) {
                problems.add(name + " needs an id of its own");
            }
            if (panel.path("type").asText().isBlank() || panel.path("title").asText().isBlank()) {
                problems.add(name + " needs a type and a title");
            }
            problems.addAll(placementProblems(name, panel.path("gridPos"), cells));
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            if (!uid.equals(panel.path("datasource").path("uid").asText())) {
                problems.add(name + " must use the provisioned datasource uid '" + uid + "', not " + panel.path("datasource"));
            }
            if (!panel.path("targets").isArray() || panel.path("targets").isEmpty()) {
                problems.add(name + " has no targets");
            }
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                if (target.path("expr").asText().isBlank()) {
                    problems.add(name + " has a target without an expr");
                }
                if (!refIds.add(target.path("refId").asText())) {
                    problems.add(name + " needs a distinct refId on each target");
                }
                if (target.has("datasource") && !uid.equals(target.path("datasource").path("uid").asText())) {
                    problems.add(name + " has a target on " + target.path("datasource") + " instead of datasource uid '" + uid + "'");
                }
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.has("datasource") && !uid.equals(variable.path("datasource").path("uid").asText())) {
                problems.add("variable $" + variable.path("name").asText() + " must use datasource uid '" + uid + "'");
            }
        }
        assertThat(problems).as(DASHBOARD).isEmpty();
    }

    @Test
    void dashboardShowsWhatOperatorsWatch() {
        List<String> expressions = new ArrayList<>();
        deployment.files.json(DASHBOARD).path("panels")
                .forEach(panel -> panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText())));
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("lag", "agent_state_bridge_lag_seconds");
        figures.put("retained WAL", "agent_state_bridge_slot_retained_wal_bytes");
        figures.put("throughput", "rate(agent_state_bridge_events_applied_total");
        figures.put("rejected rows", "agent_state_bridge_rejected_rows_total");
        figures.put("state", "agent_state_bridge_state{");
        figures.put("slot status", "agent_state_bridge_slot_active");
        figures.put("apply time", "agent_state_bridge_apply_seconds");
        figures.forEach((figure, query) -> assertThat(expressions)
                .as("the dashboard shows no %s: add a panel querying %s...", figure, query).anyMatch(e -> e.contains(query)));
    }

    private String grafanaService() {
        return deployment.serviceMounting(GRAFANA_PROVISIONING + "/datasources");
    }

    /** Inside Grafana's 24 columns and over no other panel. */
    private static List<String> placementProblems(String name, JsonNode grid, Map<Long, String> cells) {
        int x = grid.path("x").asInt(-1);
        int y = grid.path("y").asInt(-1);
        int w = grid.path("w").asInt(0);
        int h = grid.path("h").asInt(0);
        if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > GRAFANA_COLUMNS) {
            return List.of(name + " needs a gridPos within Grafana's " + GRAFANA_COLUMNS + " columns, not " + grid);
        }
        for (int row = y; row < y + h; row++) {
            for (int column = x; column < x + w; column++) {
                String other = cells.putIfAbsent(row * (long) GRAFANA_COLUMNS + column, name);
                if (other != null) {
                    return List.of(name + " overlaps " + other + " at column " + column + ", row " + row);
                }
            }
        }
        return List.of();
    }
}
