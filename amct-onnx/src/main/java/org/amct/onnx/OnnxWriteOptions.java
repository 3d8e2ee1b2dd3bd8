package org.amct.onnx;

/**
 * Settings of {@link OnnxModel#write(org.amct.api.graph.ModelGraph, java.nio.file.Path,
 * OnnxWriteOptions)}.
 *
 * @param externalDataThreshold when the graph's tensors hold more bytes than this, tensors of at
 *     least {@code externalDataMinBytes} bytes go to a data file next to the model ({@code <model
 *     file name>.data}) instead of into the model; protobuf files are limited to 2 GiB
 * @param externalDataMinBytes the smallest tensor moved to the data file
 */
public record OnnxWriteOptions(long externalDataThreshold, long externalDataMinBytes) {
    /** The default threshold: 1.8 GiB of tensor data, leaving room for the rest of the graph. */
    public static final long DEFAULT_EXTERNAL_DATA_THRESHOLD = 1_800L * 1024 * 1024;

    /** The default smallest tensor moved to the data file, as in the ONNX Python tools. */
    public static final long DEFAULT_EXTERNAL_DATA_MIN_BYTES = 1024;

    /**
     * Validates the settings.
     *
     * @param externalDataThreshold when the graph's tensors hold more bytes than this, tensors of
     *     at least {@code externalDataMinBytes} bytes go to a data file next to the model ({@code
     *     <model file name>.data}) instead of into the model; protobuf files are limited to 2 GiB
     * @param externalDataMinBytes the smallest tensor moved to the data file
     * @throws IllegalArgumentException if a value is negative
     */
    public OnnxWriteOptions {
        if (externalDataThreshold < 0 || externalDataMinBytes < 0) {
            throw new IllegalArgumentException(
                    "externalDataThreshold and externalDataMinBytes must be >= 0, got "
                            + externalDataThreshold
                            + " and "
                            + externalDataMinBytes);
        }
    }

    /**
     * The defaults.
     *
     * @return external data only past {@link #DEFAULT_EXTERNAL_DATA_THRESHOLD}
     */
    public static OnnxWriteOptions defaults() {
        return new OnnxWriteOptions(
                DEFAULT_EXTERNAL_DATA_THRESHOLD, DEFAULT_EXTERNAL_DATA_MIN_BYTES);
    }
}
