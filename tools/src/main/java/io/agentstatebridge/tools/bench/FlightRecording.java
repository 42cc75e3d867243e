package io.agentstatebridge.tools.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the bridge's CPU went during a profiled catch-up, from the Java Flight Recorder recording
 * its process made (the JDK's profile settings, Java stacks sampled every 2 ms instead of 10).
 * Prints the execution samples aggregated by top frame, by the top frame's package, by thread, and
 * by the innermost frame of the bridge's own code (io.agentstatebridge) on the stack, or else the
 * innermost frame outside the JDK (Debezium's, Kafka Connect's, the driver's); then the allocation
 * sites and the collector's pauses. Time a thread spends waiting (on PostgreSQL, on a queue) is not
 * sampled: the figures are shares of the JVM's running time, not of the catch-up's.
 */
final class FlightRecording {
    static final String NAME = "bench";
    private static final int TOP = 15;

    private final Path file;

    FlightRecording(Path file) {
        this.file = file;
    }

    /**
     * The JVM option that starts the recording with the process ({@link RunningBridge#dumpFlightRecording}
     * writes it out), with its settings written to {@code directory}.
     */
    static String startOption(Path directory) throws IOException {
        String profile = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
        String settings = profile.replaceFirst("(<event name=\"jdk.ExecutionSample\">\\s*<setting name=\"enabled\"[^<]*</setting>"
                + "\\s*<setting name=\"period\"[^>]*>)10 ms", "$12 ms");
        Path file = directory.resolve("bench-profile.jfc");
        Files.createDirectories(directory);
        Files.writeString(file, settings);
        // Relative when it can be: the bridge runs in this process's working directory, and the command line is printed.
        Path here = Path.of("").toAbsolutePath();
        Path shown = file.toAbsolutePath().startsWith(here) ? here.relativize(file.toAbsolutePath()) : file.toAbsolutePath();
        return "-XX:StartFlightRecording=name=" + NAME + ",settings=" + shown;
    }

    static String fileName(Layout layout, String variant) {
        return "profile-" + layout.option() + "-" + variant.replaceAll("[^a-z0-9]+", "-") + ".jfr";
    }

    void print(PrintWriter out) throws IOException {
        Map<String, Long> byFrame = new HashMap<>();
        Map<String, Long> byPackage = new HashMap<>();
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Long> byBridgeFrame = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        long samples = 0;
        long nativeSamples = 0;
        long collections = 0;
        double pauseMillis = 0;
        long maxHeapAfterGc = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            switch (event.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    List<RecordedFrame> frames = frames(event.getStackTrace());
                    if (frames.isEmpty()) {
                        continue;
                    }
                    samples++;
                    RecordedMethod top = frames.get(0).getMethod();
                    add(byFrame, method(top));
                    add(byPackage, packageOf(top));
                    RecordedThread thread = event.getThread("sampledThread");
                    add(byThread, thread == null ? "?" : thread.getJavaName().replaceAll("\\d+", "N"));
                    add(byBridgeFrame, frames.stream().map(RecordedFrame::getMethod)
                            .filter(m -> m.getType().getName().startsWith("io.agentstatebridge."))
                            .findFirst().map(FlightRecording::method).orElseGet(() -> "[outside the bridge] " + frames.stream()
                                    .map(RecordedFrame::getMethod).filter(m -> !isJdk(m)).findFirst()
                                    .map(FlightRecording::method).orElse(method(top))));
                }
                case "jdk.NativeMethodSample" -> nativeSamples++;
                case "jdk.ObjectAllocationSample" -> {
                    List<RecordedFrame> frames = frames(event.getStackTrace());
                    if (!frames.isEmpty()) {
                        allocations.merge(method(frames.get(0).getMethod()), event.getLong("weight"), Long::sum);
                    }
                }
                case "jdk.GarbageCollection" -> {
                    collections++;
                    pauseMillis += event.getDuration("sumOfPauses").toNanos() / 1e6;
                }
                case "jdk.GCHeapSummary" -> {
                    if ("After GC".equals(event.getString("when"))) {
                        maxHeapAfterGc = Math.max(maxHeapAfterGc, event.getLong("heapUsed"));
                    }
                }
                default -> {
                }
            }
        }
        out.printf("%n    profile of the bridge's process (%s): %,d execution samples (threads running Java), %,d native-method "
                + "samples (threads in native code, mostly waiting on sockets)%n", file.getFileName(), samples, nativeSamples);
        table(out, "hot methods (top frame, self time)", byFrame, samples);
        table(out, "by package of the top frame", byPackage, samples);
        table(out, "by thread", byThread, samples);
        table(out, "by innermost bridge method on the stack (inclusive), else innermost frame outside the JDK", byBridgeFrame, samples);
        long allocated = allocations.values().stream().mapToLong(Long::longValue).sum();
        table(out, String.format("allocation sites (%,d MB sampled)", allocated >> 20), allocations, allocated);
        out.printf("    collections: %,d, pauses %.0f ms in all, heap after GC up to %,d MB%n%n", collections, pauseMillis,
                maxHeapAfterGc >> 20);
        out.flush();
    }

    private static List<RecordedFrame> frames(RecordedStackTrace stack) {
        return stack == null ? List.of() : stack.getFrames().stream().filter(RecordedFrame::isJavaFrame).toList();
    }

    private static boolean isJdk(RecordedMethod method) {
        String type = method.getType().getName();
        return type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun.");
    }

    private static void add(Map<String, Long> counts, String key) {
        counts.merge(key, 1L, Long::sum);
    }

    private static String method(RecordedMethod method) {
        String type = method.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName() + " (" + packageOf(method) + ")";
    }

    private static String packageOf(RecordedMethod method) {
        String type = method.getType().getName();
        int dot = type.lastIndexOf('.');
        return dot < 0 ? "(default)" : type.substring(0, dot);
    }

    private static void table(PrintWriter out, String title, Map<String, Long> counts, long total) {
        out.printf("    %s:%n", title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(TOP)
                .forEach(e -> out.printf("      %5.1f%%  %s%n", total == 0 ? 0 : 100.0 * e.getValue() / total, e.getKey()));
    }
}
