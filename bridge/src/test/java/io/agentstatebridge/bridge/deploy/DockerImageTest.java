package io.agentstatebridge.bridge.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Dockerfile builds the jar Maven builds, runs it the way the compose services expect, and probes it. */
class DockerImageTest {
    private static final Pattern HEALTH_URL = Pattern.compile(
            "http://(?:127\\.0\\.0\\.1|localhost):(?:\\$\\{(\\w+):-(\\d+)}|(\\d+))/health/(live|ready)");

    private final Deployment deployment = new Deployment();
    private final Dockerfile dockerfile = deployment.dockerfile;

    @Test
    void composeServicesUsingTheImageBuildIt() {
        ComposeFile compose = deployment.compose;
        assertThat(deployment.bridgeImageServices()).as("services built from the repository's Dockerfile").isNotEmpty();
        String image = compose.service(deployment.bridgeService()).path("image").asText();
        for (String service : compose.serviceNames()) {
            if (!image.isEmpty() && image.equals(compose.service(service).path("image").asText())) {
                assertThat(compose.buildsRepositoryImage(service))
                        .as("service '%s' uses image %s: it must build it from the repository root's Dockerfile", service, image)
                        .isTrue();
            }
        }
    }

    @Test
    void imageRunsTheShadedJarTheBuildStageBuilds() {
        deployment.assertRunsJarBuiltBy(dockerfile.finalStage(), "bridge");
    }

    @Test
    void imageHoldsNothingOfTheTools() {
        Dockerfile.Stage runtime = dockerfile.finalStage();
        for (Dockerfile.Instruction copy : runtime.all("COPY")) {
            String[] arguments = copy.arguments().split("\\s+");
            assertThat(arguments[arguments.length - 2]).as("the bridge's image copies %s", copy.arguments()).doesNotContain("tools");
            if (arguments[0].startsWith("--from=")) {
                for (Optional<Dockerfile.Stage> from = Optional.of(dockerfile.stage(arguments[0].substring("--from=".length())));
                     from.isPresent(); from = dockerfile.parent(from.get())) {
                    assertThat(from.get().all("RUN")).as("stage %s, which the bridge's image copies from, must not build the "
                            + "tools: build them in a stage of their own", from.get().name())
                            .noneMatch(run -> run.arguments().contains("mvn") && Deployment.builds(run.arguments(), "tools"));
                }
            }
        }
    }

    @Test
    void servicesThatBuildGiveTheirImagesTagsOfTheirOwn() {
        ComposeFile compose = deployment.compose;
        Map<String, List<String>> servicesByTag = compose.serviceNames().stream()
                .filter(service -> compose.service(service).has("build") && compose.service(service).has("image"))
                .collect(Collectors.groupingBy(service -> compose.service(service).path("image").asText(), TreeMap::new,
                        Collectors.toList()));
        servicesByTag.values().removeIf(services -> services.size() < 2);
        assertThat(servicesByTag).as("services of %s building the same image tag: Compose builds them in parallel and fails "
                + "with \"image ... already exists\"; give each its own image:", ComposeFile.PATH).isEmpty();
    }

    @Test
    void buildStageCopiesEveryModuleOfTheParentPom() throws java.io.IOException {
        // Maven refuses to build any module, even with -pl, when one listed in the parent pom is missing.
        String parentPom = java.nio.file.Files.readString(deployment.files.root().resolve("pom.xml"));
        List<String> modules = Pattern.compile("<module>([^<]+)</module>").matcher(parentPom).results()
                .map(m -> m.group(1)).toList();
        Dockerfile.Stage build = dockerfile.stages().get(0);
        List<String> copied = build.all("COPY").stream().map(c -> c.arguments().split("\\s+")[0]).toList();
        assertThat(copied).as("%s's build stage must COPY every module the parent pom lists", Dockerfile.PATH)
                .containsAll(modules);
    }

    @Test
    void imageRunsUnprivileged() {
        String user = dockerfile.finalStage().last("USER").map(Dockerfile.Instruction::arguments).orElse("root");
        assertThat(user.split(":")[0]).as("%s must switch to an unprivileged USER", Dockerfile.PATH).isNotIn("root", "0");
    }

    @Test
    void imageExposesAndProbesTheBridgesHttpPort() {
        BridgeCli cli = deployment.cli;
        String port = cli.fallbackDefault("run", "--http-port");
        assertThat(dockerfile.finalStage().all("EXPOSE").stream().flatMap(e -> Stream.of(e.arguments().split("\\s+"))))
                .as("%s must EXPOSE run's default --http-port", Dockerfile.PATH).contains(port);

        String probe = deployment.imageHealthcheck().orElseThrow(() -> new AssertionError(Dockerfile.PATH + " needs a HEALTHCHECK"));
        Matcher url = HEALTH_URL.matcher(probe);
        assertThat(url.find()).as("HEALTHCHECK %s must request /health/live or /health/ready on the bridge's port", probe).isTrue();
        if (url.group(1) != null) {
            assertThat(url.group(1)).as("the variable HEALTHCHECK takes the port from").isEqualTo(cli.variableOf("run", "--http-port"));
            assertThat(url.group(2)).as("the port HEALTHCHECK falls back to").isEqualTo(port);
        } else {
            assertThat(url.group(3)).as("the port HEALTHCHECK probes").isEqualTo(port);
        }
    }

    @Test
    void dockerignoreKeepsBuildOutputOutAndSourcesIn() {
        List<String> patterns = deployment.files.text(".dockerignore").lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        List<String> sources = dockerfile.stages().stream().flatMap(stage -> stage.all("COPY").stream())
                .filter(copy -> !copy.arguments().contains("--from="))
                .map(copy -> Arrays.stream(copy.arguments().split("\\s+")).filter(a -> !a.startsWith("--")).toList())
                .flatMap(arguments -> arguments.subList(0, arguments.size() - 1).stream()).toList();
        assertThat(sources).as("what the Dockerfile copies from the build context").isNotEmpty();
        for (String source : sources) {
            assertThat(ignored(patterns, source)).as(".dockerignore leaves out %s, which the Dockerfile copies", source).isFalse();
        }
        assertThat(ignored(patterns, "bridge/target/" + deployment.shadedJarName("bridge")))
                .as(".dockerignore must leave out local build output (**/target), so that no stale jar reaches the image")
                .isTrue();
    }

    /** Docker's rule: the last pattern matching the path or a directory above it decides. */
    private static boolean ignored(List<String> patterns, String path) {
        boolean ignored = false;
        for (String pattern : patterns) {
            boolean negated = pattern.startsWith("!");
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + (negated ? pattern.substring(1) : pattern));
            for (Path p = Path.of(path); p != null; p = p.getParent()) {
                if (matcher.matches(p)) {
                    ignored = !negated;
                    break;
                }
            }
        }
        return ignored;
    }
}
