package io.agentstatebridge.bridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.config.EnvironmentVariables;
import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.Settings;
import io.agentstatebridge.bridge.config.SettingsException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml's services do what the bridge needs and nothing it would reject. There is no
 * Docker engine here to run them, so each promise is checked where it can be: variables against the
 * CLI's picocli model and start-up check, URLs with the bridge's own URL parser, ports against the
 * CLI's defaults.
 */
class ComposeServicesTest {
    private static final int POSTGRES_PORT = 5432;

    private final Deployment deployment = new Deployment();
    private final ComposeFile compose = deployment.compose;

    @Test
    void everyLongRunningServiceHasAHealthcheck() {
        List<String> problems = new ArrayList<>();
        for (String service : compose.serviceNames()) {
            JsonNode healthcheck = compose.service(service).path("healthcheck");
            boolean disabled = healthcheck.path("disable").asBoolean(false);
            if (deployment.isOneShot(service)) {
                continue; // oneShotBridgeCommandsTurnTheImageHealthcheckOff
            } else if (compose.buildsRepositoryImage(service)) {
                if (disabled || (!hasTest(healthcheck) && deployment.imageHealthcheck(service).isEmpty())) {
                    problems.add(service + " runs the bridge without a healthcheck: keep the Dockerfile's HEALTHCHECK on");
                }
            } else if (disabled || !hasTest(healthcheck)) {
                problems.add(service + " has no healthcheck.test (pg_isready for PostgreSQL, an HTTP probe with the "
                        + "image's own wget or curl otherwise)");
            }
        }
        assertThat(problems).as("services without a healthcheck in %s", ComposeFile.PATH).isEmpty();
    }

    @Test
    void oneShotBridgeCommandsTurnTheImageHealthcheckOff() {
        List<String> problems = new ArrayList<>();
        for (String service : deployment.repositoryImageServices()) {
            if (!deployment.isOneShot(service)) {
                continue;
            }
            JsonNode definition = compose.service(service);
            String command = "`" + deployment.subcommand(service) + "`";
            if (deployment.imageHealthcheck(service).isPresent() && !definition.path("healthcheck").path("disable").asBoolean(false)) {
                problems.add(service + " runs " + command + ", which serves no /health and exits when done; the image's "
                        + "HEALTHCHECK would call it unhealthy: set healthcheck: {disable: true}");
            }
            if (!definition.path("restart").asText("no").equals("no")) {
                problems.add(service + " runs " + command + ", which exits when done: restart must be \"no\"");
            }
        }
        assertThat(problems).as("one-shot services in %s", ComposeFile.PATH).isEmpty();
    }

    @Test
    void servicesWaitForWhatTheyNeed() {
        List<String> problems = new ArrayList<>();
        for (String service : compose.serviceNames()) {
            dependencies(service).forEach((on, condition) -> {
                if (!compose.serviceNames().contains(on)) {
                    problems.add(service + " depends on '" + on + "', which is not a service");
                } else if (condition.equals("service_healthy") && deployment.isOneShot(on)) {
                    problems.add(service + " waits for one-shot '" + on + "' to be healthy: use service_completed_successfully");
                } else if (condition.equals("service_completed_successfully") && !deployment.isOneShot(on)) {
                    problems.add(service + " waits for '" + on + "' to complete, but it keeps running: use service_healthy");
                }
            });
        }
        List<String> migrations = deployment.bridgeImageServices().stream()
                .filter(s -> deployment.subcommand(s).equals("migrate")).toList();
        for (String service : deployment.repositoryImageServices()) {
            Map<String, String> conditions = dependencies(service);
            if (migrations.contains(service)) {
                for (String database : deployment.bundledDatabasesOf(service)) {
                    if (!"service_healthy".equals(conditions.get(database))) {
                        problems.add(service + " must wait for '" + database + "': depends_on: {" + database
                                + ": {condition: service_healthy}}");
                    }
                }
            } else if (migrations.stream().noneMatch(m -> "service_completed_successfully".equals(conditions.get(m)))) {
                problems.add(service + " runs `" + deployment.subcommand(service) + "` on tables `migrate` creates: it must "
                        + "depend on a migrate service with condition service_completed_successfully");
            }
        }
        assertThat(problems).as("start-up order in %s", ComposeFile.PATH).isEmpty();
    }

    @Test
    void sourceDatabaseRunsWithLogicalDecoding() {
        String source = deployment.databaseUrl(deployment.bridgeService(), Settings.SOURCE_URL).host();
        List<String> command = compose.command(source);
        Map<String, String> settings = new TreeMap<>();
        for (int i = 0; i + 1 < command.size(); i++) {
            if (command.get(i).equals("-c")) {
                String[] setting = command.get(++i).split("=", 2);
                settings.put(setting[0], setting.length > 1 ? setting[1] : "");
            }
        }
        assertThat(settings.get("wal_level"))
                .as("service '%s' (the bridge's source) must run with -c wal_level=logical; its command is %s", source, command)
                .isEqualTo("logical");
        for (String setting : List.of("max_replication_slots", "max_wal_senders")) {
            if (settings.containsKey(setting)) {
                assertThat(Integer.parseInt(settings.get(setting)))
                        .as("%s on '%s': one for the bridge's slot and one spare for a takeover", setting, source)
                        .isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void bundledDatabasesRunThePostgresqlTheTestsUse() {
        for (String service : deployment.bundledDatabasesOf(deployment.bridgeService())) {
            assertThat(compose.service(service).path("image").asText())
                    .as("service '%s': the official PostgreSQL 17 image, the major version the tests run against", service)
                    .startsWith("postgres:17");
        }
    }

    @Test
    void bridgeLogsInToTheBundledDatabasesWithTheirCredentials() {
        List<String> problems = new ArrayList<>();
        for (String service : deployment.repositoryImageServices()) {
            Map<String, String> environment = compose.environment(service);
            if (Stream.of(Settings.SOURCE_URL, Settings.TARGET_URL).noneMatch(url -> environment.containsKey(url.variable()))) {
                continue;
            }
            try {
                var databases = deployment.databaseSettings(service);
                for (Setting<DatabaseUrl> setting : List.of(Settings.SOURCE_URL, Settings.TARGET_URL)) {
                    if (environment.containsKey(setting.variable())) {
                        problems.addAll(loginProblems(service + ": " + setting.variable(), databases.get(setting)));
                    }
                }
            } catch (SettingsException e) {
                problems.add(service + ": the bridge refuses its database settings: " + e.getMessage());
            }
        }
        assertThat(problems).as("database URLs in %s", ComposeFile.PATH).isEmpty();
        String bridge = deployment.bridgeService();
        assertThat(deployment.databaseUrl(bridge, Settings.SOURCE_URL).host()).as("the source and the target must be different servers")
                .isNotEqualTo(deployment.databaseUrl(bridge, Settings.TARGET_URL).host());
    }

    @Test
    void passwordsStayOutOfTheDatabaseUrls() {
        // A URL is printed (redacted) and passed around; the password has variables of its own.
        List<String> problems = new ArrayList<>();
        for (String service : deployment.repositoryImageServices()) {
            Map<String, String> environment = compose.environment(service);
            for (Setting<DatabaseUrl> url : List.of(Settings.SOURCE_URL, Settings.TARGET_URL)) {
                String value = environment.get(url.variable());
                if (value != null && DatabaseUrl.parse(value, url.variable()).hasPasswordParameter()) {
                    problems.add(service + ": " + url.variable() + " carries password=; give it by "
                            + Settings.passwordOf(url).name());
                }
            }
        }
        assertThat(problems).as("passwords in %s", ComposeFile.PATH).isEmpty();
    }

    @Test
    void bridgeImageServicesSetOnlyVariablesTheirCommandReads() {
        List<String> problems = new ArrayList<>();
        for (String service : deployment.bridgeImageServices()) {
            String subcommand = deployment.subcommand(service);
            Set<String> reads = deployment.cli.variablesReadBy(subcommand);
            Map<String, String> environment = compose.environment(service);
            EnvironmentVariables.problems(environment).forEach(problem -> problems.add(service + ": " + problem));
            for (String variable : environment.keySet()) {
                if (EnvironmentVariables.KNOWN.contains(variable) && !reads.contains(variable)) {
                    problems.add(service + " sets " + variable + ", which `" + subcommand + "` does not read; it reads " + reads);
                }
            }
        }
        EnvironmentVariables.problems(deployment.dockerfile.finalStage().environment())
                .forEach(problem -> problems.add(Dockerfile.PATH + ": " + problem + "; every command would exit at start-up"));
        assertThat(problems).as("environment of the bridge's services").isEmpty();
    }

    @Test
    void environmentsCanBeExtendedWithoutAYamlError() {
        // `environment: *databases` is an alias: a key added under it is a YAML error, not a setting.
        List<String> aliased = Pattern.compile("(?m)^ {4}environment: *\\*").matcher(deployment.files.text(ComposeFile.PATH)).results()
                .map(m -> m.group()).toList();
        assertThat(aliased).as("services of %s whose environment is a bare alias; merge it instead (environment: {<<: *x}) "
                + "so that operators can add variables under it", ComposeFile.PATH).isEmpty();
    }

    @Test
    void bridgeImageServicesRunValidCommandLines() {
        List<String> problems = new ArrayList<>();
        for (String service : deployment.bridgeImageServices()) {
            if (compose.service(service).has("entrypoint")) {
                problems.add(service + " replaces the image's entrypoint; give the bridge's arguments as `command`");
            }
            List<String> command = deployment.command(service);
            String error = deployment.cli.parseError(command);
            if (error != null) {
                problems.add(service + ": `" + String.join(" ", command) + "`: " + error);
            }
        }
        assertThat(problems).as("commands of the bridge's services").isEmpty();
    }

    @Test
    void bridgeServesHttpOnTheCliDefaultPortOnAllInterfaces() {
        String bridge = deployment.bridgeService();
        int port = deployment.bridgeHttpPort();
        assertThat(compose.containerPorts(bridge))
                .as("service '%s' must publish the bridge's HTTP port %d (run's --http-port)", bridge, port).contains(port);
        BridgeCli cli = deployment.cli;
        String bindVariable = cli.variableOf("run", "--http-bind");
        String bind = compose.environment(bridge).getOrDefault(bindVariable, deployment.dockerfile.finalStage().environment()
                .getOrDefault(bindVariable, cli.fallbackDefault("run", "--http-bind")));
        assertThat(bind).as("in a container the bridge must listen on all interfaces, or Prometheus cannot reach it: set "
                + "%s=0.0.0.0 in the Dockerfile or the service", bindVariable).isEqualTo("0.0.0.0");
    }

    /** Whether {@code url} logs in to the compose service it names as that service's database creates its user. */
    private List<String> loginProblems(String where, DatabaseUrl url) {
        List<String> problems = new ArrayList<>();
        if (!compose.serviceNames().contains(url.host())) {
            return List.of(where + " names host '" + url.host() + "', which is not a service");
        }
        Map<String, String> database = compose.environment(url.host());
        if (url.port() != POSTGRES_PORT) {
            problems.add(where + " uses port " + url.port() + "; PostgreSQL listens on " + POSTGRES_PORT);
        }
        if (!url.database().equals(database.get("POSTGRES_DB"))) {
            problems.add(where + " names database " + url.database() + "; '" + url.host() + "' creates " + database.get("POSTGRES_DB"));
        }
        if (!url.user().equals(database.get("POSTGRES_USER"))) {
            problems.add(where + " logs in as " + url.user() + "; '" + url.host() + "' creates " + database.get("POSTGRES_USER"));
        }
        if (!url.password().value().equals(database.get("POSTGRES_PASSWORD"))) {
            problems.add(where + " comes with a password other than the POSTGRES_PASSWORD of '" + url.host() + "'");
        }
        return problems;
    }

    private Map<String, String> dependencies(String service) {
        Map<String, String> conditions = new TreeMap<>();
        JsonNode dependsOn = compose.service(service).path("depends_on");
        if (dependsOn.isArray()) {
            dependsOn.forEach(d -> conditions.put(d.asText(), "service_started"));
        }
        dependsOn.properties().forEach(d -> conditions.put(d.getKey(), d.getValue().path("condition").asText("service_started")));
        return conditions;
    }

    private static boolean hasTest(JsonNode healthcheck) {
        JsonNode test = healthcheck.path("test");
        return (test.isArray() && test.size() > 1) || (test.isTextual() && !test.asText().isBlank());
    }
}
