package io.agentstatebridge.tools.soak;

/**
 * The figures of one second of a soak.
 *
 * @param seconds          since the fleet started writing
 * @param lagSeconds       the bridge's lag from its status record; null while unknown
 * @param heapAfterGcBytes heap in use right after the latest collection, or -1 before any
 * @param rssBytes         resident set size of this JVM, or -1 off Linux
 * @param loadAverage      the machine's one-minute load average, or a negative value where unknown
 */
record SoakSample(double seconds, long eventsWritten, Double lagSeconds, long heapUsedBytes, long heapCommittedBytes,
                  long heapAfterGcBytes, long rssBytes, long gcCount, long gcMillis, double loadAverage) {
}
