package org.amct.api.decompose;

import org.amct.api.exception.DecompositionException;

/**
 * Admits layers to be factorized only while the JVM can still give them the memory they need:
 * layers running at once share what the heap has left, and a layer that cannot fit even alone fails
 * before anything is allocated for it. Thread-safe.
 */
final class MemoryBudget {
    /**
     * A layer is admitted when its estimate plus this share of it again fits: the collector needs
     * free regions beyond the live data (G1 keeps a reserve, and each large array takes whole
     * regions). Measured: one (256,256,3,3) layer on EJML, estimated at 22 MB, ran out of a 32 MB
     * heap and fitted in 40 MB.
     */
    static final int HEADROOM_DIVISOR = 2;

    private final Runtime runtime = Runtime.getRuntime();
    private long reserved;

    /**
     * Waits until {@code bytes} (with the collector's headroom) fit next to the layers already
     * admitted, then reserves them.
     *
     * @throws DecompositionException if the layer cannot fit even when nothing else runs
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    synchronized void acquire(String layer, long bytes, String backend)
            throws InterruptedException {
        long needed = bytes + bytes / HEADROOM_DIVISOR;
        while (needed > available() - reserved) {
            if (reserved == 0) {
                // Garbage may hold what a collection would free: ask once before giving up.
                System.gc();
                if (needed <= available()) {
                    break;
                }
                throw tooLarge(layer, needed, backend);
            }
            wait();
        }
        reserved += bytes;
    }

    /** Returns a reservation. */
    synchronized void release(long bytes) {
        reserved -= bytes;
        notifyAll();
    }

    private long available() {
        return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }

    private DecompositionException tooLarge(String layer, long bytes, String backend) {
        long max = runtime.maxMemory();
        return new DecompositionException(
                String.format(
                        "Layer '%s' needs about %,d MB to factorize on backend '%s' but the JVM can"
                                + " get only %,d MB more (maximum heap %,d MB). Raise the heap (for"
                                + " example -Xmx%dg) or use a backend that computes off the heap.",
                        layer,
                        bytes >> 20,
                        backend,
                        available() >> 20,
                        max >> 20,
                        Math.max(1, (bytes + (max - available()) + (1L << 30) - 1) >> 30)));
    }
}
