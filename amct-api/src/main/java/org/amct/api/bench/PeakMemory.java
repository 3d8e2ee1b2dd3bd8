package org.amct.api.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Peak memory of this process during a measured section: the Java heap's peak (from the memory
 * pools) and, on Linux, the resident set's high-water mark (which includes native memory such as
 * OpenBLAS's), both reset at {@link #reset()}.
 */
final class PeakMemory {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PeakMemory.class);
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private PeakMemory() {}

    /** Starts a new measurement: resets the pools' peaks and, where possible, the RSS peak. */
    static void reset() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException | SecurityException e) {
            // Not Linux, or not allowed: residentPeakBytes() then reports the process's peak.
            LOG.debug("Cannot reset the resident-set peak: {}", e.toString());
        }
    }

    /** The sum of the heap pools' peaks since the last reset. */
    static long heapPeakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** The resident set's high-water mark (Linux {@code VmHWM}), if readable. */
    static OptionalLong residentPeakBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring(6).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(kb) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
