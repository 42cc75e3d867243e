package io.agentstatebridge.bridge.testing;

import io.agentstatebridge.bridge.config.EnvironmentVariables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built jar running as its own JVM, as operators run it: killed hard, it gets no chance to
 * clean up. Output goes to a log file under target/ for post-mortems.
 */
public final class BridgeProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private BridgeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The production jar, where the bridge module builds it; tests of the tools module run next to that module. */
    public static Path jar() {
        return built(Path.of(System.getProperty("user.dir")).resolveSibling("bridge").resolve("target")
                .resolve("agent-state-bridge.jar"));
    }

    /** {@code jar}, once `mvn package` has built it. */
    public static Path built(Path jar) {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: integration tests run after `mvn package`");
        }
        return jar.toAbsolutePath();
    }

    public static BridgeProcess start(String logName, String... arguments) throws IOException {
        return start(jar(), logName, arguments);
    }

    /** Runs another jar than the bridge's, the same way: the tools' jar. */
    public static BridgeProcess start(Path jar, String logName, String... arguments) throws IOException {
        return start(Map.of(), jar, List.of("-Xmx512m"), logName, arguments);
    }

    /**
     * Runs {@code jar} with {@code environment} as the only variables concerning the bridge: whatever the
     * test's own environment holds under the bridge's prefix (or its former one) is left out.
     */
    public static BridgeProcess start(Map<String, String> environment, Path jar, String logName, String... arguments)
            throws IOException {
        return start(environment, jar, List.of("-Xmx512m"), logName, arguments);
    }

    /** Runs the bridge's jar in a JVM with {@code jvmOptions}, e.g. a heap too small to hold much. */
    public static BridgeProcess start(List<String> jvmOptions, String logName, String... arguments) throws IOException {
        return start(Map.of(), jar(), jvmOptions, logName, arguments);
    }

    private static BridgeProcess start(Map<String, String> environment, Path jar, List<String> jvmOptions, String logName,
                                       String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(arguments));
        Path log = Path.of("target", logName + ".log").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().keySet().removeIf(EnvironmentVariables::concernsTheBridge);
        builder.environment().putAll(environment);
        return new BridgeProcess(builder.start(), log);
    }

    /** SIGKILL: no shutdown hooks, no rollback, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then the exit status. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the bridge did not exit within 60 s of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    /** Waits for the process to exit by itself; its exit status. */
    public int waitFor(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process did not finish within " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    /** The process's peak resident set so far (VmHWM), in bytes. */
    public long peakResidentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmHWM for process " + process.pid());
    }

    public long pid() {
        return process.pid();
    }

    /** The process's command line as every local user sees it (ps, /proc/PID/cmdline). */
    public String commandLine() throws IOException {
        return Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline")).replace('\0', ' ');
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
