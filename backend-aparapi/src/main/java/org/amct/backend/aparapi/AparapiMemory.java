package org.amct.backend.aparapi;

import java.util.Locale;
import org.amct.spi.BackendException;

/**
 * Checks, before any work, that a factorization fits the device and Java's arrays: no kernel
 * silently fails for lack of memory halfway through a model. Thread-safe (stateless).
 */
final class AparapiMemory {
    private static final long BYTES_PER_DOUBLE = Double.BYTES;
    private static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8L;
    private static final double MIB = 1024.0 * 1024.0;

    private AparapiMemory() {}

    /**
     * Checks the largest single buffer and the largest set of buffers that one kernel needs at once
     * (the worst case {@code r = n} for the projection).
     *
     * @param rows {@code n}
     * @param cols {@code m}
     * @param order {@code N}, the padded order of the Gram matrix
     * @param device the device
     * @throws BackendException if the matrix is too large for Java arrays or for the device
     */
    static void check(int rows, int cols, int order, AparapiDevice device) {
        long matrix = (long) rows * cols;
        long gram = (long) order * order;
        if (gram > MAX_ARRAY_LENGTH) {
            throw new BackendException(
                    "Backend 'aparapi': the Gram matrix of the "
                            + rows
                            + " x "
                            + cols
                            + " matrix would have "
                            + gram
                            + " elements, more than a Java array holds");
        }
        long largestBuffer = BYTES_PER_DOUBLE * Math.max(matrix, gram);
        long gramKernel = matrix + gram;
        long jacobiKernel = 2 * gram + 3L * order / 2;
        long projectionKernel = (long) (rows + 3) * rows + 2 * matrix;
        long largestSet =
                BYTES_PER_DOUBLE * Math.max(gramKernel, Math.max(jacobiKernel, projectionKernel));
        if (largestBuffer > device.maxAllocationBytes()) {
            throw tooLarge(
                    rows,
                    cols,
                    largestBuffer,
                    device.maxAllocationBytes(),
                    "one buffer",
                    "CL_DEVICE_MAX_MEM_ALLOC_SIZE",
                    device);
        }
        if (largestSet > device.globalMemoryBytes()) {
            throw tooLarge(
                    rows,
                    cols,
                    largestSet,
                    device.globalMemoryBytes(),
                    "its buffers",
                    "CL_DEVICE_GLOBAL_MEM_SIZE",
                    device);
        }
    }

    private static BackendException tooLarge(
            int rows,
            int cols,
            long needed,
            long limit,
            String what,
            String property,
            AparapiDevice device) {
        return new BackendException(
                String.format(
                        Locale.ROOT,
                        "Backend 'aparapi': the %d x %d matrix needs %.1f MiB for %s on %s, which"
                                + " allows %.1f MiB (%s); use a device with more memory or another"
                                + " backend",
                        rows,
                        cols,
                        needed / MIB,
                        what,
                        device.describe(),
                        limit / MIB,
                        property));
    }
}
