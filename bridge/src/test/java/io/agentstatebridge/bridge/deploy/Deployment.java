package io.agentstatebridge.bridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment as the tests see it: docker-compose.yml, the Dockerfile, the Prometheus and Grafana
 * files, and the bridge's CLI they must agree with. Answers the questions several checks share:
 * which service runs the bridge, on which port, which file a container path shows.
 */
final class Deployment {
    static final String PROMETHEUS_CONFIG = "deploy/prometheus/prometheus.yml";
    static final String ALERT_RULES = "deploy/prometheus/alerts.yml";
    static final String GRAFANA_PROVISIONING = "deploy/grafana/provisioning";
    static final String DASHBOARD = "deploy/grafana/dashboards/agent-state-bridge.json";

    final RepositoryFiles files = RepositoryFiles.locate();
    final ComposeFile compose = new ComposeFile(files);
    final Dockerfile dockerfile = new Dockerfile(files.text(Dockerfile.PATH));
    final BridgeCli cli = new BridgeCli();

    /** Services built from the repository's Dockerfile: the bridge's jar running one of its commands. */
    List<String> bridgeImageServices() {
        return compose.serviceNames().stream().filter(compose::buildsRepositoryImage).toList();
    }

    /** The one service streaming: the image's `run`. */
    String bridgeService() {
        List<String> running = bridgeImageServices().stream().filter(s -> subcommand(s).equals("run")).toList();
        assertThat(running).as("services running the bridge (`run`) in %s", ComposeFile.PATH).hasSize(1);
        return running.get(0);
    }

    /** The compose command, or the image's CMD when the service gives none. */
    List<String> command(String service) {
        List<String> command = compose.command(service);
        if (!command.isEmpty() || !compose.buildsRepositoryImage(service)) {
            return command;
        }
        return dockerfile.finalStage().last("CMD").flatMap(Dockerfile.Instruction::execForm).orElse(List.of());
    }

    String subcommand(String service) {
        List<String> command = command(service);
        return command.isEmpty() ? "" : command.get(0);
    }

    /** Bridge commands that finish by themselves: all but `run`. */
    boolean isOneShot(String service) {
        return compose.buildsRepositoryImage(service) && !subcommand(service).equals("run");
    }

    /** The port the bridge serves HTTP on: run's --http-port, as the service's environment leaves it. */
    int bridgeHttpPort() {
        String variable = cli.variableOf("run", "--http-port");
        return Integer.parseInt(compose.environment(bridgeService()).getOrDefault(variable, cli.fallbackDefault("run", "--http-port")));
    }

    DatabaseUrl databaseUrl(String service, String variable) {
        String url = compose.environment(service).get(variable);
        assertThat(url).as("%s of service '%s'", variable, service).isNotNull();
        return DatabaseUrl.parse(url, service + "'s " + variable);
    }

    /** The compose services a bridge service's database URLs point at. */
    List<String> bundledDatabasesOf(String service) {
        Map<String, String> environment = compose.environment(service);
        return Stream.of("BRIDGE_SOURCE_URL", "BRIDGE_TARGET_URL").filter(environment::containsKey)
                .map(variable -> databaseUrl(service, variable).host()).filter(compose.serviceNames()::contains).toList();
    }

    /** The image's HEALTHCHECK arguments, unless it has none or turns it off. */
    Optional<String> imageHealthcheck() {
        return dockerfile.finalStage().last("HEALTHCHECK").map(Dockerfile.Instruction::arguments)
                .filter(arguments -> !arguments.equalsIgnoreCase("NONE"));
    }

    /** The one service bind-mounting {@code repositoryPath} (a file or directory). */
    String serviceMounting(String repositoryPath) {
        List<String> services = compose.serviceNames().stream().filter(s -> compose.mounts(s).stream()
                .anyMatch(m -> m.isBind() && m.repositoryPath().equals(repositoryPath))).toList();
        assertThat(services).as("services mounting %s", repositoryPath).hasSize(1);
        return services.get(0);
    }

    /** The repository file a path in {@code service}'s container shows. */
    Path hostFile(String service, String containerPath) {
        ComposeFile.Mount mount = compose.mountHolding(service, containerPath);
        assertThat(mount.isBind()).as("%s in '%s' must come from the repository, not a volume", containerPath, service).isTrue();
        return files.path(mount.repositoryPath() + containerPath.substring(mount.target().length()));
    }

    /** The repository directory a directory in {@code service}'s container shows. */
    Path hostDirectory(String service, String containerPath) {
        ComposeFile.Mount mount = compose.mountHolding(service, containerPath);
        return files.root().resolve(mount.repositoryPath() + containerPath.substring(mount.target().length())).normalize();
    }

    /** The job names Prometheus scrapes under. */
    List<String> scrapeJobs() {
        return files.yaml(PROMETHEUS_CONFIG).path("scrape_configs").findValuesAsText("job_name");
    }

    /** The entries under {@code key} in every Grafana provisioning file of {@code kind} (datasources, dashboards). */
    List<JsonNode> provisioned(String kind, String key) {
        Path directory = files.root().resolve(GRAFANA_PROVISIONING).resolve(kind);
        List<JsonNode> entries = new ArrayList<>();
        try (Stream<Path> listing = Files.list(directory)) {
            for (Path file : listing.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode provisioning = files.yaml(files.root().relativize(file).toString());
                assertThat(provisioning.path("apiVersion").asInt()).as("apiVersion of %s", file.getFileName()).isEqualTo(1);
                provisioning.path(key).forEach(entries::add);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list " + directory + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** The uid of the one provisioned datasource, which the dashboard must refer to. */
    String datasourceUid() {
        List<JsonNode> datasources = provisioned("datasources", "datasources");
        assertThat(datasources).as("datasources in %s/datasources", GRAFANA_PROVISIONING).hasSize(1);
        return datasources.get(0).path("uid").asText();
    }

    /**
     * The file name of the runnable jar {@code module} builds: the shade plugin's finalName, configured once
     * in the parent pom, with the module's artifactId filled in.
     */
    String shadedJarName(String module) {
        String finalName = xpath("pom.xml", "//*[local-name()='plugin'][*[local-name()='artifactId']='maven-shade-plugin']"
                + "//*[local-name()='finalName']");
        assertThat(finalName).as("the shade plugin's finalName in the parent pom.xml").isNotBlank();
        String artifactId = xpath(module + "/pom.xml", "/*[local-name()='project']/*[local-name()='artifactId']");
        return finalName.strip().replace("${project.artifactId}", artifactId.strip()) + ".jar";
    }

    private String xpath(String pomPath, String expression) {
        try {
            Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(files.text(pomPath))));
            return XPathFactory.newInstance().newXPath().evaluate(expression, pom);
        } catch (Exception e) {
            throw new AssertionError("cannot read " + pomPath + ": " + e.getMessage(), e);
        }
    }
}
