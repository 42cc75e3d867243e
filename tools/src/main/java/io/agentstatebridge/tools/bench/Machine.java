package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The machine and code a run measured, for the line that heads its figures: date, processor, cores,
 * memory, system, Java, and the commit of the bridge's jar when it sits in a git work tree; and the
 * machine's load average (1 minute) sampled every 10 s through the run, with the CPU and I/O
 * pressure over it, since other people's work on a shared machine moves every figure.
 */
final class Machine implements AutoCloseable {
    private final Thread sampler;
    private final double loadAtStart;
    private final CpuAccount machine = new CpuAccount(-1, -1, -1);
    private final CpuAccount.Reading start = machine.read();
    private volatile double loadMax;
    private volatile double loadSum;
    private volatile int loadSamples;
    private volatile boolean running = true;

    Machine() {
        loadAtStart = loadAverage();
        loadMax = loadAtStart;
        sampler = new Thread(() -> {
            while (running) {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return;
                }
                double load = loadAverage();
                loadMax = Math.max(loadMax, load);
                loadSum += load;
                loadSamples++;
            }
        }, "bench-load-average");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Date, processor, cores, memory, system, Java, and the code measured. */
    static String describe(Path bridgeJar) {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return String.format(Locale.ROOT, "%s; %s, %d cores, %.0f GB; %s %s; Java %s; %s", LocalDate.now(), processor(),
                Runtime.getRuntime().availableProcessors(), memory / 1073741824.0, System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"), commit(bridgeJar));
    }

    /** The 1-minute load average at the start, now, on average and at most; the CPU and I/O pressure since the start. */
    String describeLoad() {
        double now = loadAverage();
        CpuAccount.Use use = CpuAccount.between(start, machine.read());
        return String.format(Locale.ROOT, "load average (1 min) %.2f at the start, %.2f at the end, %.2f on average, %.2f at most; "
                + "CPU pressure %.0f%%, I/O pressure %.0f%% (the bench's own work included)", loadAtStart, now,
                loadSamples == 0 ? now : loadSum / loadSamples, Math.max(loadMax, now), 100 * use.cpuStall(), 100 * use.ioStall());
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
    }

    private static String processor() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    /** "code at commit abc1234" (with local changes, if any), or what is known without git. */
    private static String commit(Path bridgeJar) {
        try {
            Process git = new ProcessBuilder("git", "-C", bridgeJar.getParent().toString(), "describe", "--always", "--dirty",
                    "--abbrev=12").redirectErrorStream(true).start();
            String output = new String(git.getInputStream().readAllBytes()).trim();
            if (git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 && !output.isEmpty()) {
                return "code at commit " + output + " (bridge jar built " + Files.getLastModifiedTime(bridgeJar) + ")";
            }
        } catch (IOException | RuntimeException e) {
            // no git, or not a work tree: the jar's date is all there is
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            return "bridge jar built " + Files.getLastModifiedTime(bridgeJar);
        } catch (IOException e) {
            return "bridge jar " + bridgeJar;
        }
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
