package org.amct.api.backend;

import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many CPU threads a backend gets when the caller asks for 0 ("automatic"): the processors that
 * the rest of the machine leaves idle, so that a BLAS library whose threads spin while they wait is
 * not given a core that another process is using.
 *
 * <p>The rule: with {@code c} available processors and {@code L} the system's load average over the
 * last minute (the number of runnable threads, as {@code uptime} shows it), the count is {@code
 * round(c - L)}, at least 1 and at most {@code c}. On two cores: load below 0.5 gives 2 threads,
 * anything above gives 1. Where the load average cannot be read (Windows), the conservative default
 * is half the processors, rounded up. An explicit count is always used as given.
 *
 * <p>Why: OpenBLAS's threads spin while they wait for each other, so when another process holds one
 * of the cores, two threads on two cores were measured 5 to 10 times slower than one thread (see
 * docs/PERFORMANCE.md). One thread on a busy machine loses at most a factor of the core count
 * against the ideal. Stateless; thread-safe.
 */
public final class ThreadPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadPolicy.class);

    private ThreadPolicy() {}

    /**
     * The thread count to open a backend with.
     *
     * @param requested the caller's count: {@code >= 1} is used as given, 0 means automatic
     * @return a count {@code >= 1}
     * @throws IllegalArgumentException if {@code requested} is negative
     */
    public static int resolve(int requested) {
        if (requested < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + requested);
        }
        if (requested > 0) {
            return requested;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int chosen = automatic(cores, load);
        LOG.info(
                "Threads: {} of {} processors (load average {}; set --threads or"
                        + " DecompositionOptions.threads to choose)",
                chosen,
                cores,
                load < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.2f", load));
        return chosen;
    }

    /**
     * The automatic rule, on given numbers.
     *
     * @param cores the available processors, {@code >= 1}
     * @param loadAverage the one-minute load average, negative or NaN when unknown
     * @return {@code round(cores - loadAverage)} clamped to {@code [1, cores]}, or {@code
     *     ceil(cores / 2)} when the load is unknown
     */
    public static int automatic(int cores, double loadAverage) {
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be >= 1, got " + cores);
        }
        if (!(loadAverage >= 0)) {
            return (cores + 1) / 2;
        }
        long idle = Math.round(cores - loadAverage);
        return (int) Math.max(1, Math.min(cores, idle));
    }
}
