package org.amct.backend.nd4j;

import java.util.Locale;
import java.util.Objects;

/**
 * A CUDA device as ND4J reports it.
 *
 * @param index the CUDA device index, {@code >= 0}
 * @param name the device name, for example {@code "NVIDIA A100-SXM4-40GB"}
 * @param totalMemoryBytes the device memory in bytes, {@code >= 0}
 * @param computeMajor the major compute capability, for example 8
 * @param computeMinor the minor compute capability, for example 0
 */
record Nd4jCudaDevice(
        int index, String name, long totalMemoryBytes, int computeMajor, int computeMinor) {
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    /** Validates the components. */
    Nd4jCudaDevice {
        Objects.requireNonNull(name, "name");
        if (index < 0 || totalMemoryBytes < 0) {
            throw new IllegalArgumentException(
                    "CUDA device index and memory must be >= 0, got "
                            + index
                            + " and "
                            + totalMemoryBytes);
        }
    }

    /**
     * How users see it.
     *
     * @return for example {@code "NVIDIA A100-SXM4-40GB, 39.4 GiB, compute capability 8.0"}
     */
    String describe() {
        return String.format(
                Locale.ROOT,
                "%s, %.1f GiB, compute capability %d.%d",
                name,
                totalMemoryBytes / GIB,
                computeMajor,
                computeMinor);
    }
}
