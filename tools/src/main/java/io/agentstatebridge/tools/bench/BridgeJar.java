package io.agentstatebridge.tools.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The production jar the bridge under test runs from, started as its own process exactly as a user
 * starts it: through the launcher ({@code bin/agent-state-bridge run --source-url ... --target-url
 * ...}, as the README and the Dockerfile do) or with plain {@code java -jar}, with the bench's name
 * for the bridge, its slot and publication, and a free HTTP port (the default serves HTTP; a fixed
 * port could clash). No AGENT_STATE_BRIDGE_* variable of the bench's environment reaches it. Nothing
 * of the bench runs inside it.
 */
final class BridgeJar {
    static final String FILE_NAME = "agent-state-bridge.jar";
    /** The launcher, relative to the repository; in an image it lies beside the jar. */
    static final String LAUNCHER_IN_REPOSITORY = "bin/agent-state-bridge";
    private static final String ENVIRONMENT_PREFIX = "AGENT_STATE_BRIDGE_";

    private final Path jar;
    private final Path java;

    private BridgeJar(Path jar) {
        this.jar = jar;
        this.java = Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The launcher that runs this jar: beside it (an image's layout), else bin/ of the repository it was built in. */
    Path launcher() {
        Path beside = jar.resolveSibling("agent-state-bridge");
        if (Files.isRegularFile(beside)) {
            return beside;
        }
        for (Path up = jar.getParent(); up != null; up = up.getParent()) {
            Path candidate = up.resolve(LAUNCHER_IN_REPOSITORY);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find the launcher " + LAUNCHER_IN_REPOSITORY + " for " + jar
                + ": it lies beside the jar in an image and in the repository's bin/; or run with plain java (--plain-java)");
    }

    /** {@code given} when not null, else the jar where a build or an image puts it, relative to the tools' jar. */
    static BridgeJar locate(Path given) {
        if (given != null) {
            if (!Files.isRegularFile(given)) {
                throw new IllegalArgumentException("--bridge-jar " + given + " is not a file; build it with "
                        + "`mvn -B -q -DskipTests package` (bridge/target/" + FILE_NAME + ")");
            }
            return new BridgeJar(given.toAbsolutePath());
        }
        Set<Path> tried = new LinkedHashSet<>();
        Path tools = toolsLocation();
        if (tools != null) {
            Path directory = Files.isDirectory(tools) ? tools : tools.getParent();
            tried.add(directory.resolve(FILE_NAME)); // beside the tools' jar, as in an image
            // tools/target/agent-state-bridge-tools.jar or tools/target/classes: up to the repository
            for (Path up = directory; up != null; up = up.getParent()) {
                if (Files.isDirectory(up.resolve("bridge"))) {
                    tried.add(up.resolve("bridge").resolve("target").resolve(FILE_NAME));
                    break;
                }
            }
        }
        tried.add(Path.of("bridge", "target", FILE_NAME).toAbsolutePath());
        for (Path candidate : tried) {
            if (Files.isRegularFile(candidate)) {
                return new BridgeJar(candidate.normalize());
            }
        }
        throw new IllegalArgumentException("cannot find the bridge's jar " + FILE_NAME + " (looked at " + tried
                + "); build it with `mvn -B -q -DskipTests package` or name it with --bridge-jar");
    }

    private static Path toolsLocation() {
        try {
            var source = BridgeJar.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    Path path() {
        return jar;
    }

    /** The jar as the output shows it: relative to the working directory when under it. */
    String shown() {
        return shown(jar);
    }

    private static String shown(Path path) {
        Path here = Path.of("").toAbsolutePath();
        return path.startsWith(here) ? here.relativize(path).toString() : path.toString();
    }

    /**
     * Starts a bridge; {@code extraJvmOptions} (the flight recorder's) come after the user's options,
     * through JAVA_TOOL_OPTIONS when the launcher runs it, as a user would add them.
     */
    RunningBridge launch(BenchDatabases databases, JvmOptions options, List<String> extraJvmOptions, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        Map<String, String> environment = new LinkedHashMap<>();
        if (options == JvmOptions.LAUNCHER) {
            command.add(shown(launcher()));
            environment.put("AGENT_STATE_BRIDGE_JAR", jar.toString());
            // the launcher runs the `java` on the PATH: the bench's own
            environment.put("PATH", java.getParent() + File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
            if (!extraJvmOptions.isEmpty()) {
                environment.put("JAVA_TOOL_OPTIONS", String.join(" ", extraJvmOptions));
            }
        } else {
            command.add(java.toString());
            command.addAll(options.options());
            command.addAll(extraJvmOptions);
            command.add("-jar");
            command.add(jar.toString());
        }
        command.addAll(List.of("run", "--source-url", databases.source().jdbcUrl(), "--target-url", databases.target().jdbcUrl(),
                "--name", databases.bridge(), "--slot", databases.bridge(), "--publication", databases.bridge(),
                "--http-port", String.valueOf(freePort())));
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith(ENVIRONMENT_PREFIX));
        builder.environment().putAll(environment);
        String shown = String.join(" ", command).replace(java.toString(), "java").replace(jar.toString(), shown(jar))
                .replace(databases.source().jdbcUrl(), databases.source().redacted())
                .replace(databases.target().jdbcUrl(), databases.target().redacted());
        return new RunningBridge(builder.start(), log, shown);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
