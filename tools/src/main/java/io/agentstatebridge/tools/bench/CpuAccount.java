package io.agentstatebridge.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Who used the machine's CPU during a timed window, from Linux's /proc: the bridge's JVM, the
 * source server and the target server (each a postmaster with every process under it, including
 * the ones it has reaped since), this bench's JVM, and everything else on the machine (other
 * people's work: the measure of how noisy the window was), and the machine's pressure stall
 * figures (the share of the time some task waited for a CPU, or for I/O, everyone's included).
 * Read before and after; the difference is the window's. NaN off Linux.
 */
final class CpuAccount {
    /** Linux reports process times in USER_HZ ticks, 100 a second on every mainstream architecture. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long bridgePid;
    private final long sourceServerPid;
    private final long targetServerPid;

    /** A server pid of -1 is unknown (given databases); equal source and target pids are one server. */
    CpuAccount(long bridgePid, long sourceServerPid, long targetServerPid) {
        this.bridgePid = bridgePid;
        this.sourceServerPid = sourceServerPid;
        this.targetServerPid = targetServerPid;
    }

    /** CPU seconds used so far by each party, and the wall-clock time of the reading. */
    record Reading(long nanos, double bridge, double source, double target, double bench, double machine, double cpuStall,
                   double ioStall) {
    }

    /**
     * CPU seconds each party used in a window, and the shares of it some task stalled waiting for a
     * CPU and for I/O; NaN where unknown.
     */
    record Use(double seconds, double bridge, double source, double target, double bench, double others, double cpuStall,
               double ioStall) {
        /** Cores used on average by the machine's other processes. */
        double otherCores() {
            return others / seconds;
        }

        /** How busy the machine was besides the measurement, for a figure's note. */
        String describeMachine() {
            return String.format("other processes used %.2f cores; CPU pressure %.0f%%, I/O pressure %.0f%%", otherCores(),
                    100 * cpuStall, 100 * ioStall);
        }
    }

    Reading read() {
        double source = sourceServerPid < 0 ? Double.NaN : tree(sourceServerPid);
        double target = targetServerPid < 0 ? Double.NaN : targetServerPid == sourceServerPid ? 0 : tree(targetServerPid);
        return new Reading(System.nanoTime(), process(bridgePid), source, target, process(ProcessHandle.current().pid()),
                machineBusy(), stallSeconds("cpu"), stallSeconds("io"));
    }

    static Use between(Reading start, Reading end) {
        double bridge = end.bridge() - start.bridge();
        double source = end.source() - start.source();
        double target = end.target() - start.target();
        double bench = end.bench() - start.bench();
        double others = end.machine() - start.machine() - bridge - bench - (Double.isNaN(source) ? 0 : source + target);
        double seconds = (end.nanos() - start.nanos()) / 1e9;
        return new Use(seconds, bridge, source, target, bench, Math.max(0, others), (end.cpuStall() - start.cpuStall()) / seconds,
                (end.ioStall() - start.ioStall()) / seconds);
    }

    /** CPU seconds of a process and every process under it (live ones, and the ones reaped: cutime, cstime). */
    private static double tree(long pid) {
        double total = process(pid);
        total += ProcessHandle.of(pid).map(p -> p.descendants().mapToDouble(d -> process(d.pid())).sum()).orElse(0.0);
        return total;
    }

    /** utime + stime + cutime + cstime of one process, in seconds; 0 once it is gone. */
    private static double process(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long ticks = 0;
            for (int field = 14; field <= 17; field++) {
                ticks += Long.parseLong(fields[field - 3]);
            }
            return ticks / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Seconds some task has stalled on {@code resource} since boot (Linux pressure stall information). */
    private static double stallSeconds(String resource) {
        try {
            String some = Files.readAllLines(Path.of("/proc/pressure", resource)).get(0);
            return Long.parseLong(some.substring(some.indexOf("total=") + 6).trim()) / 1e6;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Busy CPU seconds of the whole machine since boot: all but idle and iowait. */
    private static double machineBusy() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String[] cpu = lines.get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(cpu[i]);
                }
            }
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
