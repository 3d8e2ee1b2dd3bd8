package org.amct.backend.aparapi;

import org.amct.spi.DenseMatrix;

/**
 * Exact power-of-two scaling that keeps {@code A A^T} inside the float64 range for matrices with
 * elements near {@code 1e-300} or {@code 1e+300}. Thread-safe (stateless).
 */
final class AparapiScaling {
    private AparapiScaling() {}

    /**
     * The exponent {@code e} of the power of two that {@code A} is divided by: 0 when the binary
     * exponent of its largest absolute element is within {@code [-safe, safe]} (or {@code A} is
     * zero), else that exponent.
     *
     * @param a the matrix
     * @param safe the largest exponent magnitude left unscaled
     * @return {@code e}
     * @throws IllegalArgumentException if an element is NaN or infinite, naming its position
     */
    static int exponent(DenseMatrix a, int safe) {
        double[] data = a.backingArray();
        double max = 0.0;
        for (int i = 0; i < data.length; i++) {
            double magnitude = Math.abs(data[i]);
            if (!(magnitude <= Double.MAX_VALUE)) {
                throw new IllegalArgumentException(
                        "Backend 'aparapi': element ("
                                + i / a.cols()
                                + ", "
                                + i % a.cols()
                                + ") of the "
                                + a.rows()
                                + " x "
                                + a.cols()
                                + " matrix is "
                                + data[i]
                                + "; only finite matrices can be factorized");
            }
            max = Math.max(max, magnitude);
        }
        if (max == 0.0) {
            return 0;
        }
        int exponent = Math.getExponent(max);
        return Math.abs(exponent) <= safe ? 0 : exponent;
    }

    /**
     * The elements of {@code A} times {@code 2^-e}.
     *
     * @param a the matrix; not modified
     * @param exponent {@code e}
     * @return {@code a}'s own backing array when {@code e == 0} (to be only read), else a scaled
     *     copy
     */
    static double[] scaled(DenseMatrix a, int exponent) {
        if (exponent == 0) {
            return a.backingArray();
        }
        double[] scaled = a.toArray();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = Math.scalb(scaled[i], -exponent);
        }
        return scaled;
    }
}
