package org.amct.onnx;

import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code auto_pad} attribute of an ONNX {@code Conv}.
 *
 * <p>{@code VALID} is no padding, so it is read as explicit zero padding. {@code SAME_UPPER} and
 * {@code SAME_LOWER} pad each axis by {@code max(0, (ceil(in / stride) - 1) * stride + (k - 1) *
 * dilation + 1 - in)} in total, half before and half after (the odd element after for {@code
 * SAME_UPPER}, before for {@code SAME_LOWER}). With stride 1 that total is {@code (k - 1) *
 * dilation} whatever the input size, so the graph's padding is exact; with a larger stride it
 * depends on the input size, and the graph records the padding for an input size that is a multiple
 * of the stride. The writer therefore keeps {@code auto_pad} on both convs of a decomposed layer
 * instead of writing explicit pads: ONNX computes it per axis from that axis's input size, kernel,
 * stride and dilation, and the axis of size 1 of each new kernel needs no padding, so the result is
 * exact for every input size.
 */
enum AutoPad {
    /** Explicit {@code pads}. */
    NOTSET,
    /** No padding. */
    VALID,
    /** Same output size, the odd padding element at the end. */
    SAME_UPPER,
    /** Same output size, the odd padding element at the start. */
    SAME_LOWER;

    /** Looks up the attribute's value. */
    static Optional<AutoPad> parse(String value) {
        return Arrays.stream(values()).filter(v -> v.name().equals(value)).findFirst();
    }

    /** Whether the writer must keep this as an attribute (its padding depends on input size). */
    boolean isSame() {
        return this == SAME_UPPER || this == SAME_LOWER;
    }

    /**
     * The padding before and after on one axis, for an input size that is a multiple of the stride.
     *
     * @param kernel the kernel size on the axis
     * @param stride the stride on the axis
     * @param dilation the dilation on the axis
     * @return {@code [before, after]}, computed without overflow (each may exceed {@code 2^31-1})
     */
    long[] samePadding(int kernel, int stride, int dilation) {
        long total = Math.max(0, (kernel - 1L) * dilation + 1 - stride);
        long small = total / 2;
        long large = total - small;
        return this == SAME_UPPER ? new long[] {small, large} : new long[] {large, small};
    }
}
