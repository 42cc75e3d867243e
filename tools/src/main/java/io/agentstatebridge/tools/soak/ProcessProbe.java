package io.agentstatebridge.tools.soak;

import io.agentstatebridge.tools.measure.ResidentSetSize;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * This JVM's memory and collector figures, read when asked. Heap in use right after the latest
 * collection is the figure that shows a leak: heap in use at a random moment mostly shows how far
 * the young generation has filled since. RSS is Linux's figure, where there is one. The
 * machine's load average says how much of the figures is the soak and how much its neighbours.
 */
final class ProcessProbe {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final OperatingSystemMXBean system = ManagementFactory.getOperatingSystemMXBean();
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

    SoakSample sample(double seconds, long eventsWritten, Double lagSeconds) {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean collector : collectors) {
            gcCount += Math.max(0, collector.getCollectionCount());
            gcMillis += Math.max(0, collector.getCollectionTime());
        }
        return new SoakSample(seconds, eventsWritten, lagSeconds, heap.getUsed(), heap.getCommitted(), heapAfterLatestGc(),
                ResidentSetSize.bytes(), gcCount, gcMillis, system.getSystemLoadAverage());
    }

    /** Heap in use when the most recent collection of any collector ended, or -1 before the first. */
    private long heapAfterLatestGc() {
        com.sun.management.GcInfo latest = null;
        for (GarbageCollectorMXBean collector : collectors) {
            if (collector instanceof com.sun.management.GarbageCollectorMXBean hotspot) {
                com.sun.management.GcInfo info = hotspot.getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
        }
        if (latest == null) {
            return -1;
        }
        long used = 0;
        for (Map.Entry<String, MemoryUsage> pool : latest.getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        return used;
    }
}
