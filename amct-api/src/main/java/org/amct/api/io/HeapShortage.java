package org.amct.api.io;

import java.util.Locale;

/**
 * The heap the JVM can still get, and the one message every "not enough heap" failure ends in: what
 * was being done (naming the file), the maximum heap, an estimate of what is needed, and how to
 * give the JVM more through {@code AMCT_JAVA_OPTS} (which the {@code amct} launcher passes to
 * java).
 */
public final class HeapShortage {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private HeapShortage() {}

    /**
     * The heap this JVM can still allocate: the maximum less what is in use.
     *
     * @return bytes, or {@link Long#MAX_VALUE} when the heap has no limit
     */
    public static long available() {
        Runtime runtime = Runtime.getRuntime();
        long max = runtime.maxMemory();
        return max == Long.MAX_VALUE ? max : max - (runtime.totalMemory() - runtime.freeMemory());
    }

    /**
     * The message for work refused before it starts because it would not fit.
     *
     * @param doing what would run out, naming the file (for example {@code "Reading ONNX file
     *     'big.onnx'"})
     * @param needed the estimated bytes needed
     * @param available the bytes the JVM can still get
     * @return one line
     */
    public static String refused(String doing, long needed, long available) {
        return String.format(
                Locale.ROOT,
                "%s needs about %,d MiB of heap but this JVM can get only %,d MiB more (maximum heap"
                        + " %,d MiB). %s",
                doing,
                ceilMib(needed),
                Math.max(0, available) / MIB,
                Runtime.getRuntime().maxMemory() / MIB,
                advice(needed));
    }

    /**
     * The message for an {@link OutOfMemoryError} caught while doing something.
     *
     * @param doing what ran out, naming the file
     * @param needed the estimated bytes needed (at least what was in use when it ran out)
     * @return one line
     */
    public static String ranOut(String doing, long needed) {
        long max = Runtime.getRuntime().maxMemory();
        return String.format(
                Locale.ROOT,
                "%s ran out of heap (maximum heap %,d MiB; it needs about %,d MiB). %s",
                doing,
                max / MIB,
                ceilMib(Math.max(needed, max + 1)),
                advice(Math.max(needed, max + 1)));
    }

    /** How to give the JVM the heap, rounded up to whole GiB with a quarter to spare. */
    static String advice(long needed) {
        long gib = Math.max(1, (needed + needed / 4 + GIB - 1) / GIB);
        return "Give the JVM more with AMCT_JAVA_OPTS=-Xmx"
                + gib
                + "g (the amct launcher passes it to java), or free memory for it.";
    }

    private static long ceilMib(long bytes) {
        return (bytes + MIB - 1) / MIB;
    }
}
