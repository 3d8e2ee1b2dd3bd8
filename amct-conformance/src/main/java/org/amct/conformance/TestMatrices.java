package org.amct.conformance;

import java.util.Objects;
import java.util.SplittableRandom;
import org.amct.spi.DenseMatrix;

/**
 * Reproducible test matrices: every random one is a pure function of its shape and seed. All
 * matrices are new and owned by the caller. Thread-safe.
 */
public final class TestMatrices {
    private TestMatrices() {}

    /**
     * A matrix of independent standard normal elements.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param seed the random seed
     * @return the matrix
     */
    public static DenseMatrix gaussian(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] data = new double[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = normal(random);
        }
        return DenseMatrix.wrap(rows, cols, data);
    }

    /**
     * {@code U diag(s) V^T} with random {@code U} ({@code rows x rows}, orthogonal) and {@code V}
     * ({@code cols x rows}, orthonormal columns): a matrix with exactly the given singular values.
     *
     * @param singularValues {@code rows} non-negative values, in any order
     * @param cols number of columns, {@code >= singularValues.length}
     * @param seed the random seed
     * @return the {@code singularValues.length x cols} matrix
     * @throws IllegalArgumentException if {@code cols < singularValues.length}
     */
    public static DenseMatrix withSingularValues(double[] singularValues, int cols, long seed) {
        Objects.requireNonNull(singularValues, "singularValues");
        int rows = singularValues.length;
        if (cols < rows) {
            throw new IllegalArgumentException(
                    "need cols >= " + rows + " singular values, got cols = " + cols);
        }
        DenseMatrix u = orthonormalColumns(rows, rows, seed);
        DenseMatrix v = orthonormalColumns(cols, rows, seed ^ 0x5DEECE66DL);
        double[] us = u.toArray();
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < rows; k++) {
                us[i * rows + k] *= singularValues[k];
            }
        }
        double[] out = new double[rows * cols];
        double[] vData = v.backingArray();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double sum = 0;
                for (int k = 0; k < rows; k++) {
                    sum += us[i * rows + k] * vData[j * rows + k];
                }
                out[i * cols + j] = sum;
            }
        }
        return DenseMatrix.wrap(rows, cols, out);
    }

    /**
     * A product of two gaussian factors: a {@code rows x cols} matrix of rank {@code rank}.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param rank the rank, {@code <= min(rows, cols)}
     * @param seed the random seed
     * @return the matrix
     */
    public static DenseMatrix lowRank(int rows, int cols, int rank, long seed) {
        DenseMatrix left = gaussian(rows, rank, seed);
        DenseMatrix right = gaussian(rank, cols, seed + 1);
        return Matrices.times(left, right);
    }

    /**
     * The {@code rows x cols} matrix with ones on the main diagonal and zeros elsewhere.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @return the matrix
     */
    public static DenseMatrix identity(int rows, int cols) {
        double[] data = new double[rows * cols];
        for (int i = 0; i < Math.min(rows, cols); i++) {
            data[i * cols + i] = 1;
        }
        return DenseMatrix.wrap(rows, cols, data);
    }

    /**
     * A copy of {@code matrix} with every element multiplied by {@code factor}.
     *
     * @param matrix the matrix, not modified
     * @param factor the factor
     * @return the scaled copy
     */
    public static DenseMatrix scaled(DenseMatrix matrix, double factor) {
        return Matrices.scaled(matrix, factor);
    }

    /**
     * A random {@code rows x cols} matrix with orthonormal columns (Gram-Schmidt, applied twice, on
     * a gaussian matrix).
     *
     * @param rows number of rows
     * @param cols number of columns, {@code <= rows}
     * @param seed the random seed
     * @return the matrix
     * @throws IllegalArgumentException if {@code cols > rows}
     */
    public static DenseMatrix orthonormalColumns(int rows, int cols, long seed) {
        if (cols > rows) {
            throw new IllegalArgumentException(
                    "cannot have " + cols + " orthonormal columns of length " + rows);
        }
        double[] data = gaussian(rows, cols, seed).toArray();
        for (int c = 0; c < cols; c++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int prev = 0; prev < c; prev++) {
                    double dot = 0;
                    for (int i = 0; i < rows; i++) {
                        dot += data[i * cols + prev] * data[i * cols + c];
                    }
                    for (int i = 0; i < rows; i++) {
                        data[i * cols + c] -= dot * data[i * cols + prev];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < rows; i++) {
                norm += data[i * cols + c] * data[i * cols + c];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < rows; i++) {
                data[i * cols + c] /= norm;
            }
        }
        return DenseMatrix.wrap(rows, cols, data);
    }

    /** A standard normal draw (Box-Muller; one of the pair is dropped for simplicity). */
    private static double normal(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
