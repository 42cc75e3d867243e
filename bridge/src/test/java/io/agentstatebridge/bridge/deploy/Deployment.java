package io.agentstatebridge.bridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentstatebridge.bridge.config.DatabaseUrl;
import io.agentstatebridge.bridge.config.Setting;
import io.agentstatebridge.bridge.config.SettingValues;
import io.agentstatebridge.bridge.config.Settings;
import io.agentstatebridge.bridge.config.SettingsResolver;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment as the tests see it: docker-compose.yml, the Dockerfile, the Prometheus and Grafana
 * files, and the bridge's CLI they must agree with. Answers the questions several checks share:
 * which service runs the bridge, on which port, which file a container path shows.
 */
public final class Deployment {
    static final String PROMETHEUS_CONFIG = "deploy/prometheus/prometheus.yml";
    static final String ALERT_RULES = "deploy/prometheus/alerts.yml";
    static final String GRAFANA_PROVISIONING = "deploy/grafana/provisioning";
    static final String DASHBOARD = "deploy/grafana/dashboards/agent-state-bridge.json";

    final RepositoryFiles files = RepositoryFiles.locate();
    public final ComposeFile compose = new ComposeFile(files);
    public final Dockerfile dockerfile = new Dockerfile(files.text(Dockerfile.PATH));
    final BridgeCli cli = new BridgeCli();

    /** Services built from the repository's Dockerfile, the bridge's image or another stage's (the tools'). */
    public List<String> repositoryImageServices() {
        return compose.serviceNames().stream().filter(compose::buildsRepositoryImage).toList();
    }

    /** Services running the bridge's image, the Dockerfile's last stage: the bridge's jar running one of its commands. */
    List<String> bridgeImageServices() {
        return repositoryImageServices().stream().filter(s -> imageStage(s).equals(dockerfile.finalStage())).toList();
    }

    /** The Dockerfile stage a service's image is made of: its build target, or the last stage. */
    public Dockerfile.Stage imageStage(String service) {
        return compose.buildTarget(service).map(dockerfile::stage).orElse(dockerfile.finalStage());
    }

    /** The one service streaming: the image's `run`. */
    String bridgeService() {
        List<String> running = bridgeImageServices().stream().filter(s -> subcommand(s).equals("run")).toList();
        assertThat(running).as("services running the bridge (`run`) in %s", ComposeFile.PATH).hasSize(1);
        return running.get(0);
    }

    /** The compose command, or the image's CMD when the service gives none. */
    public List<String> command(String service) {
        List<String> command = compose.command(service);
        if (!command.isEmpty() || !compose.buildsRepositoryImage(service)) {
            return command;
        }
        return imageStage(service).last("CMD").flatMap(Dockerfile.Instruction::execForm).orElse(List.of());
    }

    String subcommand(String service) {
        List<String> command = command(service);
        return command.isEmpty() ? "" : command.get(0);
    }

    /**
     * Services that finish by themselves: the project's jars running anything but the bridge's `run`,
     * and services of other images that say so with {@code restart: "no"} (set-up steps).
     */
    boolean isOneShot(String service) {
        if (compose.buildsRepositoryImage(service) && runsAProjectJar(service)) {
            return !subcommand(service).equals("run");
        }
        return compose.service(service).path("restart").asText("").equals("no");
    }

    /** Its image runs the bridge's or the tools' jar, not another program the Dockerfile packages (Kafka Connect). */
    private boolean runsAProjectJar(String service) {
        Dockerfile.Stage stage = imageStage(service);
        return stage.equals(dockerfile.finalStage()) || stage.name().equals("tools");
    }

    /** The port the bridge serves HTTP on: run's --http-port, as the service's environment leaves it. */
    int bridgeHttpPort() {
        String variable = cli.variableOf("run", "--http-port");
        return Integer.parseInt(compose.environment(bridgeService()).getOrDefault(variable, cli.fallbackDefault("run", "--http-port")));
    }

    /**
     * The database a service's environment names, with its password, as the bridge resolves it (and
     * everything else in that environment checked the bridge's way).
     */
    DatabaseUrl databaseUrl(String service, Setting<DatabaseUrl> url) {
        assertThat(compose.environment(service)).as("%s of service '%s'", url.variable(), service).containsKey(url.variable());
        return databaseSettings(service).get(url);
    }

    /** The database URLs and passwords a service's environment gives, resolved as the bridge resolves them. */
    SettingValues databaseSettings(String service) {
        Map<String, String> environment = compose.environment(service);
        List<Setting<?>> settings = new ArrayList<>();
        for (Setting<DatabaseUrl> url : List.of(Settings.SOURCE_URL, Settings.TARGET_URL)) {
            if (environment.containsKey(url.variable())) {
                settings.addAll(List.of(url, Settings.passwordOf(url)));
            }
        }
        return SettingsResolver.resolve(settings, Map.of(), environment);
    }

    /** The compose services a bridge service's database URLs point at. */
    List<String> bundledDatabasesOf(String service) {
        Map<String, String> environment = compose.environment(service);
        return Stream.of(Settings.SOURCE_URL, Settings.TARGET_URL).filter(url -> environment.containsKey(url.variable()))
                .map(url -> databaseUrl(service, url).host()).filter(compose.serviceNames()::contains).toList();
    }

    /** The bridge's image's HEALTHCHECK arguments, unless it has none or turns it off. */
    Optional<String> imageHealthcheck() {
        return healthcheck(dockerfile.finalStage());
    }

    /** The HEALTHCHECK of the image a service runs, unless it has none or turns it off. */
    Optional<String> imageHealthcheck(String service) {
        return healthcheck(imageStage(service));
    }

    private static Optional<String> healthcheck(Dockerfile.Stage image) {
        return image.last("HEALTHCHECK").map(Dockerfile.Instruction::arguments)
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

    /** The launcher script, in the repository, and the variable naming the jar it runs. */
    static final String LAUNCHER = "bin/agent-state-bridge";
    static final String LAUNCHER_JAR = "AGENT_STATE_BRIDGE_JAR";

    /**
     * Asserts that {@code runtime} runs, with an exec-form ENTRYPOINT, the shaded jar {@code module} builds, copied
     * from the stage where Maven builds it with tests skipped: either `java ... -jar JAR`, or the launcher script
     * {@value #LAUNCHER} (copied from the repository) with the jar named by {@value #LAUNCHER_JAR}.
     */
    public void assertRunsJarBuiltBy(Dockerfile.Stage runtime, String module) {
        String stage = "stage " + (runtime.name() == null ? "(last)" : runtime.name());
        List<String> entrypoint = runtime.last("ENTRYPOINT").flatMap(Dockerfile.Instruction::execForm)
                .orElseThrow(() -> new AssertionError(Dockerfile.PATH + " " + stage
                        + " needs an exec-form ENTRYPOINT [\"java\", ..., \"-jar\", ...] or [\"<launcher>\"]"));
        String runJar;
        int jarFlag = entrypoint.indexOf("-jar");
        if (jarFlag >= 0) {
            assertThat(jarFlag).as("ENTRYPOINT %s runs a jar", entrypoint).isLessThan(entrypoint.size() - 1);
            runJar = entrypoint.get(jarFlag + 1);
        } else {
            assertThat(runtime.all("COPY").stream().map(c -> c.arguments().split("\\s+"))
                    .anyMatch(a -> a[0].equals(LAUNCHER) && a[a.length - 1].equals(entrypoint.get(0))))
                    .as("%s %s: ENTRYPOINT %s is the launcher script, COPY %s to it", Dockerfile.PATH, stage, entrypoint,
                            LAUNCHER).isTrue();
            String launcherDirectory = entrypoint.get(0).replaceAll("/[^/]*$", "/");
            runJar = runtime.environment().getOrDefault(LAUNCHER_JAR, launcherDirectory + "agent-state-bridge.jar");
        }

        Optional<String[]> copy = runtime.all("COPY").stream().map(c -> c.arguments().split("\\s+"))
                .filter(a -> a[0].startsWith("--from=") && a[a.length - 1].equals(runJar)).findFirst();
        assertThat(copy).as("%s %s must COPY --from=<build stage> the shaded jar to %s, which ENTRYPOINT runs", Dockerfile.PATH,
                stage, runJar).isPresent();
        Dockerfile.Stage build = dockerfile.stage(copy.get()[0].substring("--from=".length()));
        String builtJar = dockerfile.workdir(build).replaceAll("/?$", "/") + module + "/target/" + shadedJarName(module);
        assertThat(copy.get()[copy.get().length - 2]).as("the jar copied from the build stage, where Maven builds it").isEqualTo(builtJar);

        assertThat(dockerfile.baseImage(build)).as("build stage image").startsWith("maven:3.9-eclipse-temurin-17");
        assertThat(build.all("RUN")).as("the build stage runs `mvn ... -pl %s -am package -DskipTests`", module)
                .anyMatch(run -> run.arguments().contains("mvn") && run.arguments().contains(" package")
                        && run.arguments().contains("-DskipTests") && builds(run.arguments(), module));
        assertThat(runtime.image()).as("runtime stage image").startsWith("eclipse-temurin:17-jre");
    }

    /** Whether a Maven command line builds {@code module}: all modules, or those its -pl names. */
    static boolean builds(String commandLine, String module) {
        Matcher projects = Pattern.compile("(?:-pl|--projects)[ =](\\S+)").matcher(commandLine);
        return !projects.find() || List.of(projects.group(1).split(",")).contains(module);
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
