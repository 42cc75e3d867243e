package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One bridge process under test, started by {@link BridgeJar}: its pid for the memory and CPU
 * figures, its log for post-mortems, and a stop the way operators stop it (SIGTERM). Closing it
 * stops it if it still runs.
 */
final class RunningBridge implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String commandLine;
    private final long startedNanos = System.nanoTime();

    RunningBridge(Process process, Path log, String commandLine) {
        this.process = process;
        this.log = log;
        this.commandLine = commandLine;
    }

    long pid() {
        return process.pid();
    }

    /** System.nanoTime() just after the process was started. */
    long startedNanos() {
        return startedNanos;
    }

    /** The command line, passwords masked. */
    String commandLine() {
        return commandLine;
    }

    Path log() {
        return log;
    }

    /** Throws, with the end of its log, once the process has exited: the wait it is called from would never end. */
    void ensureAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the bridge exited with status " + process.exitValue() + "; the end of its log ("
                    + log + "):\n" + tail());
        }
    }

    /** SIGTERM, then the exit status; SIGKILL if it does not exit within a minute. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("the bridge did not exit within 60 s of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    /**
     * Writes what the flight recorder started with the process has recorded so far (jcmd of the JDK
     * running the bench). The bridge's SIGTERM path halts the JVM, which would cut a dump on exit short.
     */
    void dumpFlightRecording(Path file) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new IllegalStateException("--profile needs jcmd, which this Java runtime lacks (" + jcmd + "): run the bench "
                    + "with a JDK");
        }
        Process dump = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), "JFR.dump", "name=" + FlightRecording.NAME,
                "filename=" + file.toAbsolutePath()).redirectErrorStream(true).start();
        String output = new String(dump.getInputStream().readAllBytes());
        if (!dump.waitFor(120, TimeUnit.SECONDS) || dump.exitValue() != 0 || !Files.isRegularFile(file)) {
            throw new IllegalStateException("jcmd JFR.dump failed: " + output.strip());
        }
    }

    /** The last lines of the log. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                terminate();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
