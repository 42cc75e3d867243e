package io.agentstatebridge.kafkasink.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A Connect worker in a JVM of its own, joined to the test's cluster, so that a test can kill it the
 * way a machine dies: SIGKILL, no task stopped, no offset committed, no group left. It loads the sink
 * from the module's plugin archive.
 */
public final class WorkerProcess implements AutoCloseable {
    private final Process process;
    private final String workerId;

    private WorkerProcess(Process process, String workerId) {
        this.process = process;
        this.workerId = workerId;
    }

    /**
     * Where the build unpacks the plugin archive (failsafe runs after {@code package}). The process
     * loads the sink from there, in its own class loader as a worker in production does, and not
     * from the test's classpath: the archive is tested, not just the classes.
     */
    private static final Path PLUGIN_PATH = Path.of("target", "agent-state-bridge-kafka-sink-plugin");
    /** Where the build writes the sink's classes and jar. */
    private static final String SINK_OUTPUT = Path.of("kafka-sink", "target").toString() + File.separator;

    /** Starts a worker with {@code workerProps} (the cluster's own) and waits until its REST API answers. */
    public static WorkerProcess start(Map<String, String> workerProps) {
        if (!Files.isDirectory(PLUGIN_PATH)) {
            throw new IllegalStateException(PLUGIN_PATH.toAbsolutePath() + " is missing: run this test through failsafe "
                    + "(mvn -pl kafka-sink -am verify -Dit.test=...), after the package phase builds the plugin archive");
        }
        try {
            int port = freePort();
            Properties props = new Properties();
            props.putAll(workerProps);
            props.setProperty("listeners", "http://localhost:" + port);
            props.setProperty("rest.advertised.host.name", "localhost");
            props.setProperty("rest.advertised.port", Integer.toString(port));
            props.setProperty("plugin.path", PLUGIN_PATH.toAbsolutePath().toString());
            Path file = Files.createTempFile("connect-worker", ".properties");
            try (var out = Files.newBufferedWriter(file)) {
                props.store(out, "a Connect worker the test kills");
            }
            file.toFile().deleteOnExit();
            Path log = Path.of("target", "connect-worker-" + port + ".log"); // kept for a look after a failure
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", classpathWithoutTheSink(),
                    "org.apache.kafka.connect.cli.ConnectDistributed", file.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            WorkerProcess worker = new WorkerProcess(process, "localhost:" + port);
            worker.awaitRestApi(port, log);
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a Connect worker process", e);
        }
    }

    /**
     * The test's classpath (Kafka, Debezium, logging) without the sink's own classes, whether the
     * build put them there as a directory or as the module's jar.
     */
    private static String classpathWithoutTheSink() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = List.of(classpath.split(File.pathSeparator));
        List<String> kept = entries.stream().filter(entry -> !isTheSink(entry)).toList();
        if (kept.size() == entries.size()) {
            throw new IllegalStateException("the sink's classes are not on the test classpath as expected (" + SINK_OUTPUT
                    + "...): the worker process would not be testing the plugin archive alone");
        }
        return String.join(File.pathSeparator, kept);
    }

    private static boolean isTheSink(String entry) {
        return entry.contains(SINK_OUTPUT) && !entry.contains("test-classes");
    }

    /** The id Connect reports for tasks this worker runs. */
    public String workerId() {
        return workerId;
    }

    /** Kills the worker at once (SIGKILL) and waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void awaitRestApi(int port, Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/connectors"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Connect worker process exited; its output is in " + log);
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the worker", e);
            }
            sleep();
        }
        process.destroyForcibly();
        throw new IllegalStateException("the Connect worker process did not answer within 120 s; its output is in " + log);
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
