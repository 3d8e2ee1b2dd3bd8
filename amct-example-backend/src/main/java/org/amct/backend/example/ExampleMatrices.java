package org.amct.backend.example;

import org.amct.spi.DenseMatrix;

/** Dense row-major products for the example backend. Pure functions; thread-safe. */
final class ExampleMatrices {
    private ExampleMatrices() {}

    /**
     * {@code G = (c A)(c A)^T} for an {@code n x m} matrix {@code A}.
     *
     * @param a {@code A}, row-major, not modified
     * @param n rows
     * @param m columns
     * @param c the scale factor
     * @param gram the {@code n x n} result, row-major, written in full
     */
    static void scaledGram(double[] a, int n, int m, double c, double[] gram) {
        double[] rowI = new double[m];
        double[] rowJ = new double[m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < m; k++) {
                rowI[k] = c * a[i * m + k];
            }
            for (int j = 0; j <= i; j++) {
                double sum = 0;
                for (int k = 0; k < m; k++) {
                    rowJ[k] = c * a[j * m + k];
                    sum += rowI[k] * rowJ[k];
                }
                gram[i * n + j] = sum;
                gram[j * n + i] = sum;
            }
        }
    }

    /**
     * The identity matrix.
     *
     * @param n its order
     * @return {@code n x n}, row-major
     */
    static double[] identity(int n) {
        double[] identity = new double[n * n];
        for (int i = 0; i < n; i++) {
            identity[i * n + i] = 1;
        }
        return identity;
    }

    /**
     * {@code P^T A}.
     *
     * @param p {@code P}, {@code n x r}, row-major
     * @param n rows of {@code P} and {@code A}
     * @param r columns of {@code P}
     * @param a {@code A}, {@code n x m}, not modified
     * @return {@code r x m}, row-major
     */
    static double[] transposeTimes(double[] p, int n, int r, DenseMatrix a) {
        int m = a.cols();
        double[] values = a.backingArray();
        double[] out = new double[r * m];
        for (int row = 0; row < n; row++) {
            for (int c = 0; c < r; c++) {
                double weight = p[row * r + c];
                if (weight != 0) {
                    for (int k = 0; k < m; k++) {
                        out[c * m + k] += weight * values[row * m + k];
                    }
                }
            }
        }
        return out;
    }
}
