package org.amct.conformance;

import org.amct.spi.DenseMatrix;

/** Small, plain dense-matrix routines for the checks; clarity over speed. */
final class Matrices {
    private Matrices() {}

    /** {@code P^T A} for {@code P} ({@code n x r}) and {@code A} ({@code n x m}). */
    static DenseMatrix transposeTimes(DenseMatrix p, DenseMatrix a) {
        int n = p.rows();
        int rank = p.cols();
        int cols = a.cols();
        double[] pData = p.backingArray();
        double[] aData = a.backingArray();
        double[] out = new double[rank * cols];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < rank; c++) {
                double weight = pData[i * rank + c];
                if (weight == 0) {
                    continue;
                }
                int outRow = c * cols;
                int aRow = i * cols;
                for (int j = 0; j < cols; j++) {
                    out[outRow + j] += weight * aData[aRow + j];
                }
            }
        }
        return DenseMatrix.wrap(rank, cols, out);
    }

    /** {@code P C} for {@code P} ({@code n x r}) and {@code C} ({@code r x m}). */
    static DenseMatrix times(DenseMatrix p, DenseMatrix c) {
        int n = p.rows();
        int rank = p.cols();
        int cols = c.cols();
        double[] pData = p.backingArray();
        double[] cData = c.backingArray();
        double[] out = new double[n * cols];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < rank; k++) {
                double weight = pData[i * rank + k];
                int cRow = k * cols;
                int outRow = i * cols;
                for (int j = 0; j < cols; j++) {
                    out[outRow + j] += weight * cData[cRow + j];
                }
            }
        }
        return DenseMatrix.wrap(n, cols, out);
    }

    /** The sum of squared elements, accumulated without scaling. */
    static double sumOfSquares(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value * value;
        }
        return sum;
    }

    /** The sum of squared differences of two arrays of the same length. */
    static double distanceSquared(double[] left, double[] right) {
        double sum = 0;
        for (int i = 0; i < left.length; i++) {
            double diff = left[i] - right[i];
            sum += diff * diff;
        }
        return sum;
    }

    /** The largest absolute element, 0 for an empty array. */
    static double maxAbs(double[] values) {
        double max = 0;
        for (double value : values) {
            max = Math.max(max, Math.abs(value));
        }
        return max;
    }

    /** Column {@code col} of {@code matrix} as a new array. */
    static double[] column(DenseMatrix matrix, int col) {
        double[] out = new double[matrix.rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = matrix.get(i, col);
        }
        return out;
    }

    /** A copy of {@code matrix} with every element multiplied by {@code factor}. */
    static DenseMatrix scaled(DenseMatrix matrix, double factor) {
        double[] data = matrix.toArray();
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
        }
        return DenseMatrix.wrap(matrix.rows(), matrix.cols(), data);
    }
}
