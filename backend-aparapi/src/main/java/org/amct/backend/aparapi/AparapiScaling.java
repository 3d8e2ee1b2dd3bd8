package org.amct.backend.aparapi;

import org.amct.spi.DenseMatrix;

/**
 * Exact power-of-two scaling that keeps {@code A A^T} inside the float64 range for matrices with
 * elements near {@code 1e-300} or {@code 1e+300}. Thread-safe (stateless).
 */
final class AparapiScaling {
    private AparapiScaling() {}

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
