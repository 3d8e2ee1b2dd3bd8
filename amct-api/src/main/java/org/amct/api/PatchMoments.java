package org.amct.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * The second moment {@code E[x x^T]} of the input patches that a layer's first new conv sees,
 * measured on calibration data (docs/design/ALGORITHM.md section 8): for each output position of
 * the first conv, the vector {@code x} of its input channels times its kernel taps, indexed {@code
 * channel * k + tap} ({@link PatchLayout}), zeros where the patch reaches into the padding.
 *
 * @param size {@code d = Cin * k}, the length of one patch
 * @param secondMoment {@code d x d}, row-major, symmetric: the sum of {@code x x^T} over all
 *     patches divided by {@code count}
 * @param count how many patches were summed
 */
public record PatchMoments(int size, double[] secondMoment, long count) {
    /**
     * Checks the shape and copies the values.
     *
     * @param size {@code d = Cin * k}, the length of one patch
     * @param secondMoment {@code d x d}, row-major, symmetric
     * @param count how many patches were summed, {@code >= 1}
     * @throws IllegalArgumentException if the array is not {@code d x d}, holds a non-finite value,
     *     or {@code count < 1}
     */
    public PatchMoments {
        Objects.requireNonNull(secondMoment, "secondMoment");
        if (size < 1 || (long) size * size != secondMoment.length) {
            throw new IllegalArgumentException(
                    "A patch second moment of size "
                            + size
                            + " needs "
                            + ((long) size * size)
                            + " values, got "
                            + secondMoment.length);
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        for (int i = 0; i < secondMoment.length; i++) {
            if (!Double.isFinite(secondMoment[i])) {
                throw new IllegalArgumentException(
                        "Patch second moment element ("
                                + (i / size)
                                + ", "
                                + (i % size)
                                + ") is "
                                + secondMoment[i]);
            }
        }
        secondMoment = secondMoment.clone();
    }

    /**
     * The second moment.
     *
     * @return a copy, {@code d x d} row-major
     */
    @Override
    public double[] secondMoment() {
        return secondMoment.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PatchMoments that
                && size == that.size
                && count == that.count
                && Arrays.equals(secondMoment, that.secondMoment);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(secondMoment) + Long.hashCode(count);
    }

    @Override
    public String toString() {
        return "PatchMoments[size=" + size + ", count=" + count + "]";
    }
}
